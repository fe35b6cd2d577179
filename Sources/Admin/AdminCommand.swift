import Daemon
import Glibc
import Runtime

/// `stockroom COMMAND ...`: the administrator's command.
public enum AdminCommand {
    static let commands: [(name: String, summary: String, run: ([String]) throws -> Int32)] = [
        ("run", "start the whole stack in this terminal, for development (Ctrl-C stops it)", RunCommand.main),
        ("migrate", "bring the database schema up to this version", MigrateCommand.main),
        ("import-inventree", "load an InvenTree export (FILE.json --media DIR [--replace]) in one transaction", ImportCommand.main),
        ("createsuperuser", "create an administrator (--username NAME --email ADDRESS --password-file FILE, or asked)", CreateSuperuserCommand.main),
        ("changepassword", "set a user's password (USERNAME [--password-file FILE])", ChangePasswordCommand.main),
        ("check", "check the configuration, database, Redis and directories, one line each", CheckCommand.main),
        ("tasks", "list pending, running and failed background tasks; show, retry or delete one (tasks --help)", TasksCommand.main),
        ("generate-demo", "add a large generated inventory for benchmarks (--parts N --stock N --locations N)", GenerateDemoCommand.main),
        ("version", "print the version", { _ in print("stockroom \(StockroomVersion.current)"); return 0 }),
    ]

    /// Runs the command named by `arguments[1]`; returns the exit status.
    public static func main(_ arguments: [String]) -> Int32 {
        let rest = Array(arguments.dropFirst())
        guard let name = rest.first, !["-h", "--help", "help"].contains(name) else {
            print(usage)
            return rest.isEmpty ? 2 : 0
        }
        guard let command = commands.first(where: { $0.name == name }) else {
            writeError("stockroom: unknown command '\(name)'\n\n\(usage)")
            return 2
        }
        do {
            return try command.run(Array(rest.dropFirst()))
        } catch {
            writeError("stockroom \(name): \(error)")
            return 1
        }
    }

    static var usage: String {
        let width = commands.map(\.name.count).max() ?? 0
        let lines = commands.map { "  \($0.name + String(repeating: " ", count: width - $0.name.count))  \($0.summary)" }
        return "usage: stockroom COMMAND [OPTIONS]\n\ncommands:\n" + lines.joined(separator: "\n")
    }

    static func writeError(_ text: String) {
        let line = text.hasSuffix("\n") ? text : text + "\n"
        _ = line.withCString { write(STDERR_FILENO, $0, strlen($0)) }
    }
}
