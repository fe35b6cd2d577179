/// Secrets: read from systemd's credentials directory or from a file, never from the configuration text itself.
extension Configuration {
    /// `$CREDENTIALS_DIRECTORY/<key>` if present, else the file named by key `<key>_file`, else nil.
    /// One trailing newline is removed. Error messages never contain the secret.
    public func secret(_ key: String) throws -> String? {
        if let directory = credentialsDirectory {
            let path = directory + "/" + key
            if TextFile.exists(path) {
                return try readSecret(path: path, key: key, source: .credential(path: path))
            }
        }
        let fileKey = key + "_file"
        guard let path = optionalString(fileKey) else { return nil }
        guard !path.isEmpty else {
            throw ConfigurationError.invalid(fileKey, value: path, source: source(of: fileKey),
                                             expected: "the path of a file that holds the secret")
        }
        return try readSecret(path: path, key: fileKey, source: source(of: fileKey))
    }

    private func readSecret(path: String, key: String, source: ConfigurationSource) throws -> String {
        let text: String
        do {
            text = try TextFile.contents(path)
        } catch {
            throw ConfigurationError(
                kind: .unreadable, key: key,
                description: "configuration: cannot read secret file \(path) (key '\(key)' from \(source)): \(TextFile.reason(error))")
        }
        // "\r\n" is one Character, so dropping the last Character removes either line ending.
        if let last = text.last, last == "\n" || last == "\r\n" { return String(text.dropLast()) }
        return text
    }
}
