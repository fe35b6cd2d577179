import Auth
import Daemon
import Postgres
import Runtime

/// `stockroom changepassword USERNAME [--password-file FILE]`: sets a new password; the user's
/// sessions end with it (they are bound to the old hash).
enum ChangePasswordCommand {
    static func main(_ arguments: [String]) throws -> Int32 {
        let options = try CommandOptions(arguments, valued: ["password-file", "state-dir"])
        guard options.positional.count == 1, let username = options.positional.first else {
            throw RuntimeError("usage: stockroom changepassword USERNAME [--password-file FILE]")
        }
        let password = try PasswordInput.read(file: options.value("password-file"), prompt: "New password for \(username)")
        let configuration = try Configuration.load()
        let hash = PasswordPolicy(iterations: try AuthSettings(configuration).passwordIterations).hash(password)
        let database = try AdminDatabase.locate(stateDirectory: options.value("state-dir"))
        defer { database.release() }
        let pool = PostgresPool(url: database.url, maximumConnections: 1)
        defer { pool.close() }
        let changed = try pool.transaction { connection -> Int in
            let count = try connection.execute("UPDATE auth_user SET password = $1 WHERE username = $2", [hash.encoded, username])
            if count == 1 {
                try connection.execute(
                    "DELETE FROM users_session WHERE user_id = (SELECT id FROM auth_user WHERE username = $1)", [username])
            }
            return count
        }
        guard changed == 1 else { throw RuntimeError("there is no user called '\(username)'") }
        print("password of '\(username)' changed; their sessions have ended")
        return 0
    }
}
