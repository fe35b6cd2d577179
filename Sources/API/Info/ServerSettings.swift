import Daemon

/// What `GET /api/` reports from the configuration.
public struct ServerSettings: Sendable {
    /// InvenTree's REST API version that Stockroom speaks.
    public static let apiVersion = 530

    /// Stockroom's own version.
    public var version: String
    /// Key `debug` (InvenTree's DEBUG).
    public var debugMode: Bool
    /// Key `language` (InvenTree's LANGUAGE_CODE, default `en-us`).
    public var defaultLocale: String
    /// Key `email_host`: whether outgoing mail is configured.
    public var emailConfigured: Bool
    /// Keys `customize_logo`, `customize_splash`, `customize_login_message`, `customize_navbar_message`.
    public var logo: String?
    public var splash: String?
    public var loginMessage: String?
    public var navbarMessage: String?
    /// Keys `installer` (InvenTree: PKG, DOC, GIT, ...) and `installer_target` (e.g. debian-13).
    public var installer: String?
    public var target: String?

    public init(_ configuration: Configuration, version: String) throws {
        self.version = version
        debugMode = try configuration.bool("debug", default: false)
        defaultLocale = try configuration.string("language", default: "en-us")
        emailConfigured = !(configuration.optionalString("email_host") ?? "").isEmpty
        logo = configuration.optionalString("customize_logo")
        splash = configuration.optionalString("customize_splash")
        loginMessage = configuration.optionalString("customize_login_message")
        navbarMessage = configuration.optionalString("customize_navbar_message")
        installer = configuration.optionalString("installer")
        target = configuration.optionalString("installer_target")
    }
}
