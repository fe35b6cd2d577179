import Glibc

/// The private servers that `scripts/with-services` started for this test run.
public struct TestEnvironment {
    public enum Failure: Error, CustomStringConvertible {
        case missing(String)
        public var description: String {
            switch self {
            case .missing(let name):
                return "\(name) is not set: run the tests through `make test` or `scripts/with-services swift test`"
            }
        }
    }

    /// libpq URL of the private cluster's `postgres` database (superuser, trust authentication).
    public let databaseURL: String
    /// `unix:///path/to/redis.sock`
    public let redisURL: String
    public let redisSocket: String
    /// Directory of `pg_ctl`, `initdb`, `postgres`.
    public let postgresBin: String
    public let postgresData: String
    public let postgresSocketDirectory: String
    /// The operating-system user that owns the cluster (and must run `pg_ctl`).
    public let postgresUser: String
    /// A scratch directory that lives as long as the test run.
    public let scratchDirectory: String

    public static func current() throws -> TestEnvironment {
        func value(_ name: String) throws -> String {
            guard let raw = getenv(name) else { throw Failure.missing(name) }
            return String(cString: raw)
        }
        return TestEnvironment(
            databaseURL: try value("STOCKROOM_TEST_DATABASE_URL"),
            redisURL: try value("STOCKROOM_TEST_REDIS_URL"),
            redisSocket: try value("STOCKROOM_TEST_REDIS_SOCKET"),
            postgresBin: try value("STOCKROOM_TEST_PG_BIN"),
            postgresData: try value("STOCKROOM_TEST_PG_DATA"),
            postgresSocketDirectory: try value("STOCKROOM_TEST_PG_SOCKET_DIR"),
            postgresUser: try value("STOCKROOM_TEST_PG_USER"),
            scratchDirectory: try value("STOCKROOM_TEST_DIR"))
    }

    /// libpq URL of another database in the private cluster.
    public func databaseURL(database: String) -> String {
        "postgresql://postgres@/\(database)?host=\(postgresSocketDirectory)"
    }
}
