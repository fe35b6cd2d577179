import Auth
import HTTP

/// The `sessionid` and `csrftoken` cookies as Django sets them.
enum AuthCookies {
    /// Django's CSRF_COOKIE_AGE: a year.
    static let csrfAge = 31_449_600

    static func session(_ value: String, maxAge: Int, secure: Bool) -> String {
        "\(Authenticator.sessionCookie)=\(value); Max-Age=\(maxAge); Path=/; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "")
    }

    /// The CSRF cookie is read by the web interface's JavaScript, so it is not HttpOnly (as in Django).
    static func csrf(_ secret: String, secure: Bool) -> String {
        "\(Authenticator.csrfCookie)=\(secret); Max-Age=\(csrfAge); Path=/; SameSite=Lax" + (secure ? "; Secure" : "")
    }

    static func expiredSession(secure: Bool) -> String {
        "\(Authenticator.sessionCookie)=\"\"; Max-Age=0; Path=/; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "")
    }
}
