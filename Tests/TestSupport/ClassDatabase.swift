/// A database per test class: made by the class's first test (`prepare` gets its URL), reused by the others, and
/// dropped when the class is done. A failure to make it fails every test of the class with the same error.
public enum ClassDatabase {
    private static var made: [String: Result<String, Error>] = [:]

    /// The URL of database `name`, made fresh and prepared on first use.
    public static func url(named name: String, prepare: (String) throws -> Void = { _ in }) throws -> String {
        if made[name] == nil {
            made[name] = Result {
                let url = try TestEnvironment.current().freshDatabase(named: name)
                try prepare(url)
                return url
            }
        }
        return try made[name]!.get()
    }

    /// Drops database `name` if it was made here (call from the test class's `class func tearDown()`).
    public static func drop(named name: String) {
        guard case .success? = made.removeValue(forKey: name) else { return }
        try? TestEnvironment.current().dropDatabase(named: name)
    }

    /// `test_<class name>`: the name a class's database has unless the class says otherwise.
    public static func name(of testClass: AnyClass) -> String { "test_" + String(describing: testClass).lowercased() }
}
