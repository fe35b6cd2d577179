// swift-tools-version:6.0
import PackageDescription

// Layers, lowest first; a target imports only targets listed before it.
//   C*          module maps for Debian's C libraries, and the one C shim
//   Daemon      the systemd contract: activation, sd_notify, signals, journal, configuration
//   Postgres    libpq client, pool, LISTEN, migrations runner
//   Redis       hiredis client, pool, pub/sub, locks
//   HTTP        the HTTP/1.1 engine
//   Supervisor  `stockroom run`: the development stand-in for systemd
//   Schema      the numbered migrations of the database
//   Inventory   the stock operations (transactions with tracking), the demo generator
//   Importer    loads an InvenTree export (dumpdata JSON or YAML fixtures) into the schema
//   Auth        passwords, tokens, sessions, CSRF, login rate limits, InvenTree's roles
//   Tasks       the task queue, stockroom-worker's worker, maintenance tasks
//   Mail        e-mail over SMTP (libcurl), linked by stockroom-worker only
//   Runtime     what every daemon does at start: configuration, pools, schema check, registration
//   Proxy       stockroom-proxy's routes: static files, upstream forwarding
//   API         InvenTree's REST API (stockroom-web's routes)
//   Admin       the `stockroom` command: run, migrate, ...
//   stockroom-* the executables, wiring only

let package = Package(
    name: "Stockroom",
    products: [
        .executable(name: "stockroom", targets: ["stockroom"]),
        .executable(name: "stockroom-proxy", targets: ["stockroom-proxy"]),
        .executable(name: "stockroom-web", targets: ["stockroom-web"]),
        .executable(name: "stockroom-worker", targets: ["stockroom-worker"]),
        .executable(name: "stockroom-warmer", targets: ["stockroom-warmer"]),
    ],
    targets: [
        .target(name: "CShim"),
        .systemLibrary(name: "CPostgres", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CHiredis", pkgConfig: "hiredis", providers: [.apt(["libhiredis-dev"])]),
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(name: "CCurlShim", dependencies: ["CCurl"]),

        .target(name: "Daemon", dependencies: ["CShim", "CSystemd"]),
        .target(name: "Postgres", dependencies: ["CPostgres", "CShim", "Daemon"]),
        .target(name: "Redis", dependencies: ["CHiredis", "CShim", "Daemon"]),
        .target(name: "HTTP", dependencies: ["CShim", "Daemon"]),
        .target(name: "Supervisor", dependencies: ["CShim", "Daemon"]),
        .target(name: "Schema", dependencies: ["Postgres"]),
        .target(name: "Inventory", dependencies: ["Postgres"]),
        .target(name: "Importer", dependencies: ["Daemon", "Postgres", "Schema"]),
        .target(name: "Auth", dependencies: ["CCrypto", "Daemon", "Postgres", "Redis"]),
        .target(name: "Tasks", dependencies: ["Daemon", "Postgres", "Redis"]),
        .target(name: "Mail", dependencies: ["CCurlShim", "Daemon", "Tasks"]),
        .target(name: "Runtime", dependencies: ["Daemon", "Postgres", "Redis", "HTTP", "Schema"]),
        .target(name: "Proxy", dependencies: ["HTTP", "Daemon", "Runtime", "Auth", "Postgres", "Redis"]),
        .target(name: "API", dependencies: ["Auth", "HTTP", "Postgres", "Redis", "Daemon", "Inventory", "Tasks"]),
        .target(name: "Admin", dependencies: ["Auth", "Daemon", "Postgres", "Redis", "Schema", "Importer", "Inventory", "Runtime", "Supervisor", "Tasks"]),

        .executableTarget(name: "stockroom", dependencies: ["Admin"]),
        .executableTarget(name: "stockroom-proxy", dependencies: ["Daemon", "Runtime", "Proxy"]),
        .executableTarget(name: "stockroom-web", dependencies: ["Daemon", "Runtime", "API"]),
        .executableTarget(name: "stockroom-worker", dependencies: ["Daemon", "Runtime", "Tasks", "Mail"]),
        .executableTarget(name: "stockroom-warmer", dependencies: ["Daemon", "Runtime"]),

        .executableTarget(name: "tasks-bench", dependencies: ["Postgres", "Tasks"], path: "bench/TasksBench"),
        .target(name: "TestSupport", dependencies: ["Daemon", "Postgres"], path: "Tests/TestSupport"),
        .executableTarget(name: "daemon-fixture", dependencies: ["Daemon"], path: "Tests/DaemonFixture"),
        .executableTarget(name: "tasks-fixture", dependencies: ["Daemon", "Runtime", "Tasks", "Mail"], path: "Tests/TasksFixture"),
        .testTarget(name: "DaemonTests", dependencies: ["Daemon", "TestSupport"]),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "TestSupport"]),
        .testTarget(name: "RedisTests", dependencies: ["Redis", "TestSupport"]),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP", "Daemon", "TestSupport"]),
        .testTarget(name: "ProxyTests", dependencies: ["Proxy", "HTTP", "Postgres", "Redis", "Auth", "Schema", "Importer", "TestSupport"]),
        .testTarget(name: "SupervisorTests", dependencies: ["Supervisor", "TestSupport"]),
        .testTarget(name: "ImporterTests", dependencies: ["Importer", "Postgres", "Schema", "TestSupport"]),
        .testTarget(name: "AuthTests", dependencies: ["Auth", "Schema", "Postgres", "Redis", "TestSupport"]),
        .testTarget(name: "APITests", dependencies: ["API", "Auth", "HTTP", "Importer", "Schema", "Postgres", "Redis", "Daemon", "Tasks", "TestSupport"]),
        .testTarget(name: "TasksTests", dependencies: ["Tasks", "Mail", "Schema", "Postgres", "Redis", "Daemon", "TestSupport"]),
        .testTarget(name: "InventoryTests", dependencies: ["Inventory", "Importer", "Postgres", "Schema", "TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["Daemon", "Postgres", "TestSupport"]),
    ],
    swiftLanguageModes: [.v5]
)
