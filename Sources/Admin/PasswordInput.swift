import Glibc

/// Where a new password comes from: never the command line (it would show in `ps` and shell
/// history), but a file (`-` is standard input) or the terminal with echo off.
enum PasswordInput {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The password in `file` (its first line), or asked twice on the terminal when `file` is nil.
    static func read(file: String?, prompt: String = "Password") throws -> String {
        if let file {
            let text = file == "-" ? readStandardInput() : try readFile(file)
            let password = String(text.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
            try check(password)
            return password
        }
        guard isatty(STDIN_FILENO) == 1 else {
            throw Failure(description: "no terminal to ask for the password on: give --password-file FILE (or - for standard input)")
        }
        let first = try ask("\(prompt): ")
        let second = try ask("\(prompt) (again): ")
        guard first == second else { throw Failure(description: "the two passwords differ") }
        try check(first)
        return first
    }

    static func check(_ password: String) throws {
        guard password.count >= 8 else {
            throw Failure(description: "the password is too short: it must have at least 8 characters")
        }
    }

    /// Reads one line from the terminal without echoing it.
    static func ask(_ prompt: String) throws -> String {
        writeOut(prompt)
        var saved = termios()
        tcgetattr(STDIN_FILENO, &saved)
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
            writeOut("\n")
        }
        guard let line = readLine(strippingNewline: true) else { throw Failure(description: "no password was entered") }
        return line
    }

    static func readFile(_ path: String) throws -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(description: "cannot read the password file \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        return readAll(fd)
    }

    static func readStandardInput() -> String { readAll(STDIN_FILENO) }

    static func readAll(_ fd: Int32) -> String {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = Glibc.read(fd, &buffer, buffer.count)
            if count <= 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func writeOut(_ text: String) {
        _ = text.withCString { write(STDOUT_FILENO, $0, strlen($0)) }
    }
}
