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
//   Runtime     what every daemon does at start: configuration, pools, schema check, registration
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

        .target(name: "Daemon", dependencies: ["CShim", "CSystemd"]),
        .target(name: "Postgres", dependencies: ["CPostgres", "CShim", "Daemon"]),
        .target(name: "Redis", dependencies: ["CHiredis", "CShim", "Daemon"]),
        .target(name: "HTTP", dependencies: ["CShim", "Daemon"]),
        .target(name: "Supervisor", dependencies: ["CShim", "Daemon"]),
        .target(name: "Schema", dependencies: ["Postgres"]),
        .target(name: "Runtime", dependencies: ["Daemon", "Postgres", "Redis", "HTTP", "Schema"]),
        .target(name: "API", dependencies: ["HTTP", "Postgres", "Redis", "Daemon"]),
        .target(name: "Admin", dependencies: ["Daemon", "Postgres", "Redis", "Schema", "Runtime", "Supervisor"]),

        .executableTarget(name: "stockroom", dependencies: ["Admin"]),
        .executableTarget(name: "stockroom-proxy", dependencies: ["Daemon", "Runtime"]),
        .executableTarget(name: "stockroom-web", dependencies: ["Daemon", "Runtime", "API"]),
        .executableTarget(name: "stockroom-worker", dependencies: ["Daemon", "Runtime"]),
        .executableTarget(name: "stockroom-warmer", dependencies: ["Daemon", "Runtime"]),

        .target(name: "TestSupport", dependencies: ["Daemon"], path: "Tests/TestSupport"),
        .executableTarget(name: "daemon-fixture", dependencies: ["Daemon"], path: "Tests/DaemonFixture"),
        .testTarget(name: "DaemonTests", dependencies: ["Daemon", "TestSupport"]),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "TestSupport"]),
        .testTarget(name: "RedisTests", dependencies: ["Redis", "TestSupport"]),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP", "TestSupport"]),
        .testTarget(name: "SupervisorTests", dependencies: ["Supervisor", "TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["Postgres", "TestSupport"]),
    ],
    swiftLanguageModes: [.v5]
)
