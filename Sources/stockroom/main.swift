import Admin
import Glibc

exit(AdminCommand.main(CommandLine.arguments))
