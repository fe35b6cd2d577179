import Auth
import Glibc
import HTTP
import Postgres
import Tasks

/// `GET /api/`: InvenTree's InfoView. Needs no authentication; the fields InvenTree shows only to
/// staff are null for everyone else.
enum ServerInfoEndpoint {
    static let settingKeys = ["INVENTREE_INSTANCE", "INVENTREE_INSTANCE_ID", "INVENTREE_ANNOUNCE_ID",
                              "LOGIN_ENABLE_PWD_FORGOT", "LOGIN_ENABLE_REG", "LOGIN_ENABLE_SSO", "LOGIN_ENABLE_SSO_REG"]

    static func register(_ router: APIRouter, _ context: APIContext) {
        router.get("/api/", .anyone) { call in
            JSONResponse.make(try info(context, isStaff: call.identity?.user.isStaff ?? false))
        }
    }

    static func info(_ context: APIContext, isStaff: Bool) throws -> JSONValue {
        let server = context.server
        let (settings, workers, pending) = try context.pool.withConnection { connection in
            let settings = try GlobalSettings.load(settingKeys, from: connection)
            return (settings, try workerCount(connection), try TaskQueue.count(on: connection, BackgroundTaskEndpoints.pending))
        }
        let workerRunning = workers > 0
        func staff(_ value: JSONValue) -> JSONValue { isStaff ? value : .null }
        let identifier: JSONValue = settings.bool("INVENTREE_ANNOUNCE_ID", default: false)
            ? settings.values["INVENTREE_INSTANCE_ID"].map(JSONValue.string) ?? .null : .null
        let passwordForgotten = settings.bool("LOGIN_ENABLE_PWD_FORGOT", default: false) && server.emailConfigured
        return .object([
            ("server", .string("InvenTree")),
            ("id", identifier),
            ("version", .string(server.version)),
            ("instance", .string(settings.string("INVENTREE_INSTANCE", default: "InvenTree"))),
            ("apiVersion", .int(ServerSettings.apiVersion)),
            ("worker_running", .bool(workerRunning)),
            ("worker_count", .int(workers)),
            ("worker_pending_tasks", .int(pending)),
            // Stockroom runs no plugins and cannot install any.
            ("plugins_enabled", .bool(false)),
            ("plugins_install_disabled", .bool(true)),
            ("email_configured", .bool(server.emailConfigured)),
            ("debug_mode", .bool(server.debugMode)),
            ("docker_mode", .bool(access("/.dockerenv", F_OK) == 0)),
            ("default_locale", .string(server.defaultLocale)),
            ("customize", .object([
                ("logo", server.logo.map(JSONValue.string) ?? .null),
                ("splash", server.splash.map(JSONValue.string) ?? .null),
                ("login_message", server.loginMessage.map(JSONValue.string) ?? .null),
                ("navbar_message", server.navbarMessage.map(JSONValue.string) ?? .null),
            ])),
            ("active_plugins", staff(.array([]))),
            ("system_health", staff(.bool(workerRunning))),
            ("database", staff(.string("postgresql"))),
            ("platform", staff(.string(platform()))),
            ("installer", staff(server.installer.map(JSONValue.string) ?? .null)),
            ("target", staff(server.target.map(JSONValue.string) ?? .null)),
            // Stockroom has no Django admin site.
            ("django_admin", .null),
            ("settings", .object([
                ("sso_registration", .bool(false)),
                ("registration_enabled", .bool(settings.bool("LOGIN_ENABLE_REG", default: false) && server.emailConfigured)),
                ("password_forgotten_enabled", .bool(passwordForgotten)),
            ])),
        ])
    }

    /// Workers alive now: registrations refreshed within the last 30 seconds.
    static func workerCount(_ connection: PostgresConnection) throws -> Int {
        try connection.query("""
            SELECT count(*)::int AS n FROM daemon_instances WHERE kind = 'worker' AND last_seen > now() - interval '30 seconds'
            """).singleRow().decode("n")
    }

    /// Python's `platform.platform()` shape: `Linux-6.1.0-13-amd64-x86_64`.
    static func platform() -> String {
        var name = utsname()
        guard uname(&name) == 0 else { return "Linux" }
        func text<T>(_ field: T) -> String {
            withUnsafeBytes(of: field) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        return "\(text(name.sysname))-\(text(name.release))-\(text(name.machine))"
    }
}
