import Daemon
import Redis

/// Limits failed logins per username and per remote address. Counters live in Redis so that all
/// web processes share them; while Redis is unavailable each process counts on its own, so an
/// attacker is still limited (per process) rather than let through.
public final class LoginRateLimiter: @unchecked Sendable {
    /// One limit: at most `failures` failed logins per `window`.
    public struct Rule: Equatable, Sendable {
        public var failures: Int
        public var window: Duration
        public init(failures: Int, window: Duration) {
            self.failures = failures
            self.window = window
        }
    }

    /// Which counter refused an attempt.
    public enum Scope: String, Sendable {
        case user
        case address
    }

    /// What to do with a login attempt.
    public enum Decision: Equatable, Sendable {
        case allowed
        case refused(scope: Scope, retryAfterSeconds: Int)
    }

    /// allauth's defaults as InvenTree runs them: 5 failures per 5 minutes per user, 10 per minute per address.
    public static let defaultUserRule = Rule(failures: 5, window: .seconds(300))
    public static let defaultAddressRule = Rule(failures: 10, window: .seconds(60))

    public let userRule: Rule
    public let addressRule: Rule
    private let redis: RedisPool?
    private let keyPrefix: String
    private let now: () -> UInt64
    private let lock = Lock()
    private var local: [String: FixedWindowCounter] = [:]
    private let log: ((String) -> Void)?

    public init(redis: RedisPool?, userRule: Rule = LoginRateLimiter.defaultUserRule,
                addressRule: Rule = LoginRateLimiter.defaultAddressRule, keyPrefix: String = "stockroom:login-failures:",
                now: @escaping () -> UInt64 = monotonicNanoseconds, log: ((String) -> Void)? = nil) {
        self.redis = redis
        self.userRule = userRule
        self.addressRule = addressRule
        self.keyPrefix = keyPrefix
        self.now = now
        self.log = log
    }

    /// Whether a login for `username` from `address` may be tried now.
    public func check(username: String, address: String) -> Decision {
        for (scope, key, rule) in counters(username: username, address: address) {
            if case .refused(let retry) = decision(key: key, rule: rule) {
                return .refused(scope: scope, retryAfterSeconds: Int((retry + 999_999_999) / 1_000_000_000))
            }
        }
        return .allowed
    }

    /// Counts a failed login.
    public func recordFailure(username: String, address: String) {
        for (_, key, rule) in counters(username: username, address: address) {
            increment(key: key, rule: rule)
        }
    }

    /// A successful login clears the user's counter (the address keeps its count, as in allauth).
    public func recordSuccess(username: String) {
        let key = keyPrefix + "user:" + username.lowercased()
        lock.withLock { local[key] = nil }
        guard let redis else { return }
        do { _ = try redis.del(key) } catch { note(error) }
    }

    private func counters(username: String, address: String) -> [(Scope, String, Rule)] {
        [(.user, keyPrefix + "user:" + username.lowercased(), userRule),
         (.address, keyPrefix + "address:" + address, addressRule)]
    }

    private func decision(key: String, rule: Rule) -> FixedWindowCounter.Decision {
        if let redis {
            do {
                let replies = try redis.pipeline([["GET", key], ["PTTL", key]])
                let failures = replies[0].string.flatMap { Int($0) } ?? 0
                let remainingMilliseconds = max(replies[1].integer ?? 0, 0)
                return FixedWindowCounter.decision(failures: failures, limit: rule.failures,
                                                   remaining: UInt64(remainingMilliseconds) * 1_000_000)
            } catch let error as RedisError where error.isUnavailable {
                note(error)
            } catch {
                note(error)
            }
        }
        let time = now()
        return lock.withLock {
            var counter = local[key] ?? FixedWindowCounter(limit: rule.failures, window: rule.window.nanoseconds)
            let decision = counter.check(at: time)
            local[key] = counter.isIdle(at: time) ? nil : counter
            return decision
        }
    }

    private func increment(key: String, rule: Rule) {
        if let redis {
            do {
                let count = try redis.incr(key)
                if count == 1 {
                    _ = try redis.command(["PEXPIRE", key, String(rule.window.nanoseconds / 1_000_000)])
                }
                return
            } catch let error as RedisError where error.isUnavailable {
                note(error)
            } catch {
                note(error)
            }
        }
        let time = now()
        lock.withLock {
            if local.count > 100_000 { local = local.filter { !$0.value.isIdle(at: time) } }
            var counter = local[key] ?? FixedWindowCounter(limit: rule.failures, window: rule.window.nanoseconds)
            counter.recordFailure(at: time)
            local[key] = counter
        }
    }

    private func note(_ error: Error) {
        log?("login rate limit: Redis not used (\(error)); counting in this process")
    }
}
