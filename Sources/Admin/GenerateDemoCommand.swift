import Glibc
import Inventory
import Postgres
import Schema

/// `stockroom generate-demo --parts N --stock N --locations N [--seed S]`: adds a large generated
/// inventory (for benchmarks) to the database, in one transaction, and reports how long it took.
enum GenerateDemoCommand {
    static let usage = "usage: stockroom generate-demo --parts N --stock N --locations N [--seed S] [--state-dir DIR]"

    static func main(_ arguments: [String]) throws -> Int32 {
        let options = try CommandOptions(arguments, valued: ["parts", "stock", "locations", "seed", "state-dir"])
        guard options.positional.isEmpty else {
            throw CommandOptions.Failure(description: "unexpected argument '\(options.positional[0])'\n\(usage)")
        }
        let generation = DemoGenerator.Options(
            parts: try options.int("parts", default: 1000, range: 0...10_000_000),
            stock: try options.int("stock", default: 10_000, range: 0...100_000_000),
            locations: try options.int("locations", default: 200, range: 0...1_000_000),
            seed: UInt64(try options.int("seed", default: 1, range: 0...Int.max)))
        let database = try AdminDatabase.locate(stateDirectory: options.value("state-dir"))
        defer { database.release() }
        let connection = try PostgresConnection(database.url)
        _ = try Migrator(logger: { print($0) }).apply(Schema.migrations, using: connection)
        let bar = isatty(STDOUT_FILENO) == 1 ? ProgressBar() : nil
        let report = try DemoGenerator.run(generation, connection: connection, progress: bar.map { bar in
            { stage, done, total in bar.show(done: done, total: total, label: stage) }
        })
        bar?.finish()
        print(report)
        return 0
    }
}
