/// How new passwords are hashed.
public struct PasswordPolicy: Sendable, Equatable {
    /// Django 5.1 and later (InvenTree 1.x runs Django 5.2): PBKDF2PasswordHasher.iterations = 1,000,000.
    public static let djangoIterations = 1_000_000

    /// Iterations for new hashes; logins with another count are rehashed to this one.
    public var iterations: Int

    public init(iterations: Int = PasswordPolicy.djangoIterations) {
        self.iterations = iterations
    }

    /// A new stored hash for `password`.
    public func hash(_ password: String) -> DjangoPasswordHash {
        DjangoPasswordHash.make(password: password, iterations: iterations)
    }
}
