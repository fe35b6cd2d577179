import CPostgres

/// The rows (or the command status) a statement returned. Rows are read in place from libpq's result,
/// nothing is copied until a value is decoded.
public final class PostgresResult: RandomAccessCollection {
    let handle: OpaquePointer
    /// The statement that produced this result (for error messages).
    public let statement: String
    /// The number of rows.
    public let rowCount: Int
    /// The number of columns.
    public let columnCount: Int

    init(handle: OpaquePointer, statement: String) {
        self.handle = handle
        self.statement = statement
        rowCount = Int(PQntuples(handle))
        columnCount = Int(PQnfields(handle))
    }

    deinit { PQclear(handle) }

    /// The column names, in order.
    public private(set) lazy var columnNames: [String] = (0..<columnCount).map { String(cString: PQfname(handle, Int32($0))) }

    /// The type OID of each column.
    public func columnType(_ column: Int) -> PostgresTypeID { PQftype(handle, Int32(column)) }

    /// The index of the column called `name`, if there is one.
    public func columnIndex(_ name: String) -> Int? { columnNames.firstIndex(of: name) }

    /// Rows inserted, updated, deleted, selected, ... as reported by the server (0 when it reports none).
    public var affectedRows: Int {
        guard var digit = PQcmdTuples(handle) else { return 0 }
        var count = 0
        while digit.pointee >= 48 && digit.pointee <= 57 {
            count = count * 10 + Int(digit.pointee - 48)
            digit += 1
        }
        return count
    }

    /// The command tag, e.g. "INSERT 0 1" or "COMMIT".
    public var commandStatus: String { String(cString: PQcmdStatus(handle)) }

    public var startIndex: Int { 0 }
    public var endIndex: Int { rowCount }
    public subscript(position: Int) -> PostgresRow { PostgresRow(result: self, index: position) }

    /// The only row, or an error saying how many there were.
    public func singleRow() throws -> PostgresRow {
        guard rowCount == 1 else {
            throw PostgresError(.decoding, "expected exactly one row, got \(rowCount)", statement: statement)
        }
        return self[0]
    }
}

/// One row of a `PostgresResult`.
public struct PostgresRow {
    /// The result the row belongs to.
    public let result: PostgresResult
    /// The zero-based index of the row in its result.
    public let index: Int

    /// The raw value of `column` (zero-based), or nil for NULL.
    public subscript(column: Int) -> PostgresCell? {
        let row = Int32(index), field = Int32(column)
        if PQgetisnull(result.handle, row, field) != 0 { return nil }
        return PostgresCell(
            pointer: PQgetvalue(result.handle, row, field),
            length: Int(PQgetlength(result.handle, row, field)),
            type: PQftype(result.handle, field))
    }

    /// Decodes the column called `column`; NULL is an error.
    public func decode<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        try decode(columnIndex(column), as: type)
    }

    /// Decodes the column called `column`; NULL gives nil.
    public func decode<T: PostgresDecodable>(_ column: String, as type: T?.Type) throws -> T? {
        try decode(columnIndex(column), as: type)
    }

    /// Decodes the column at zero-based `column`; NULL is an error.
    public func decode<T: PostgresDecodable>(_ column: Int, as type: T.Type = T.self) throws -> T {
        guard let value = try decode(column, as: T?.self) else {
            throw failure(column, "expected \(T.self), found NULL")
        }
        return value
    }

    /// Decodes the column at zero-based `column`; NULL gives nil.
    public func decode<T: PostgresDecodable>(_ column: Int, as type: T?.Type) throws -> T? {
        guard column >= 0, column < result.columnCount else {
            throw PostgresError(.decoding, "no column \(column) in a result of \(result.columnCount) columns", statement: result.statement)
        }
        guard let cell = self[column] else { return nil }
        guard let value = T.decode(cell) else {
            throw failure(column, "expected \(T.self), found \(PostgresType.name(of: cell.type)) '\(cell.preview)'")
        }
        return value
    }

    /// True when the column called `column` is NULL.
    public func isNull(_ column: String) throws -> Bool { self[try columnIndex(column)] == nil }

    private func columnIndex(_ name: String) throws -> Int {
        guard let index = result.columnIndex(name) else {
            throw PostgresError(
                .decoding, "no column '\(name)' in the result (columns: \(result.columnNames.joined(separator: ", ")))",
                statement: result.statement)
        }
        return index
    }

    private func failure(_ column: Int, _ what: String) -> PostgresError {
        let name = result.columnNames[column]
        var error = PostgresError(.decoding, "column '\(name)' in row \(index): \(what)", statement: result.statement)
        error.column = name
        error.row = index
        return error
    }
}

/// A non-NULL column value as the server sent it (text format), valid while its result lives.
public struct PostgresCell {
    /// NUL-terminated text of the value.
    public let pointer: UnsafePointer<CChar>
    /// Length in bytes, without the NUL.
    public let length: Int
    /// The column's type OID.
    public let type: PostgresTypeID

    /// The value's bytes.
    public var bytes: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self), count: length)
    }

    /// The value's text.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// The start of the value's text, for error messages.
    var preview: String {
        let limit = 60
        if length <= limit { return text }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[0..<limit]), as: UTF8.self) + "..."
    }
}
