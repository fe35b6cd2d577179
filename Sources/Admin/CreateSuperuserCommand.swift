import Auth
import Daemon
import Glibc
import Postgres
import Runtime

/// `stockroom createsuperuser [--username NAME] [--email ADDRESS] [--password-file FILE]`:
/// an administrator account, asked for interactively when the flags are missing.
enum CreateSuperuserCommand {
    static func main(_ arguments: [String]) throws -> Int32 {
        let options = try CommandOptions(arguments, valued: ["username", "email", "password-file", "state-dir"])
        let username = try options.value("username") ?? ask("Username: ")
        guard !username.isEmpty, username.count <= 150,
              username.allSatisfy({ $0.isLetter || $0.isNumber || "@.+-_".contains($0) }) else {
            throw RuntimeError("username '\(username)' is not valid: use at most 150 letters, digits and @ . + - _")
        }
        let email = options.value("email") ?? ""
        let password = try PasswordInput.read(file: options.value("password-file"))
        let configuration = try Configuration.load()
        let hash = PasswordPolicy(iterations: try AuthSettings(configuration).passwordIterations).hash(password)

        let database = try AdminDatabase.locate(stateDirectory: options.value("state-dir"))
        defer { database.release() }
        let pool = PostgresPool(url: database.url, maximumConnections: 1)
        defer { pool.close() }
        try pool.transaction { connection in
            let existing = try connection.query("SELECT 1 FROM auth_user WHERE username = $1", [username])
            guard existing.isEmpty else { throw RuntimeError("a user called '\(username)' exists already: use `stockroom changepassword \(username)`") }
            let row = try connection.query("""
                INSERT INTO auth_user (username, password, email, is_staff, is_superuser, is_active)
                VALUES ($1, $2, $3, true, true, true) RETURNING id
                """, [username, hash.encoded, email]).singleRow()
            let id: Int = try row.decode("id")
            try connection.execute("INSERT INTO users_owner (user_id) VALUES ($1)", [id])
        }
        print("superuser '\(username)' created")
        return 0
    }

    static func ask(_ prompt: String) throws -> String {
        guard isatty(STDIN_FILENO) == 1 else {
            throw RuntimeError("no terminal to ask on: give --username NAME (and --password-file FILE)")
        }
        PasswordInput.writeOut(prompt)
        return readLine(strippingNewline: true) ?? ""
    }
}
