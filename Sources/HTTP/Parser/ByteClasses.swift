// Character classes of RFC 9110 / RFC 9112 / RFC 3986, looked up in one constant table: the
// table is a string literal, so it sits in read-only data and needs no lazy initialisation.

@usableFromInline let asciiCR: UInt8 = 0x0D
@usableFromInline let asciiLF: UInt8 = 0x0A
@usableFromInline let asciiSpace: UInt8 = 0x20
@usableFromInline let asciiTab: UInt8 = 0x09
@usableFromInline let asciiColon: UInt8 = 0x3A

/// The classes a byte belongs to, as bits of `byteClasses(_:)`.
@usableFromInline
enum ByteClass {
    /// `tchar` of RFC 9110 §5.6.2: the characters of a token (method, field name, coding).
    @inlinable static var token: UInt8 { 0x01 }
    /// Characters allowed in a request-target: visible ASCII without the fragment mark `#`.
    @inlinable static var target: UInt8 { 0x02 }
    /// `field-vchar` of RFC 9110 §5.5: visible ASCII and obs-text, no controls.
    @inlinable static var fieldVisible: UInt8 { 0x04 }
    /// What a field value may hold: `field-vchar`, space and horizontal tab.
    @inlinable static var fieldValue: UInt8 { 0x08 }
    /// What a Host value may hold: RFC 3986 reg-name, IP-literal brackets, `:` and the port.
    @inlinable static var host: UInt8 { 0x10 }
}

/// The `ByteClass` bits of `b`.
///
/// One letter per byte value, row `N` holding bytes `0xN0` to `0xNF`; a letter is `0x40` plus the class
/// bits (`@` none, `H` field value whitespace, `L` obs-text and `#` of a value, `M` `#` of a token,
/// `N` target but not token, `O` token but not host, `^` host but not token, `_` everything but whitespace).
/// ByteClassesTests checks every entry against the definitions.
@inline(__always) @usableFromInline
func byteClasses(_ b: UInt8) -> UInt8 {
    let table: StaticString = """
        @@@@@@@@@H@@@@@@\
        @@@@@@@@@@@@@@@@\
        H_NM____^^__^__N\
        __________^^N^NN\
        N_______________\
        ___________^N^O_\
        O_______________\
        ___________NON_@\
        LLLLLLLLLLLLLLLL\
        LLLLLLLLLLLLLLLL\
        LLLLLLLLLLLLLLLL\
        LLLLLLLLLLLLLLLL\
        LLLLLLLLLLLLLLLL\
        LLLLLLLLLLLLLLLL\
        LLLLLLLLLLLLLLLL\
        LLLLLLLLLLLLLLLL
        """
    return table.utf8Start[Int(b)]
}

/// `tchar` of RFC 9110 §5.6.2: the characters of a token (method, field name, coding).
@inline(__always) @usableFromInline
func isTokenCharacter(_ b: UInt8) -> Bool {
    byteClasses(b) & ByteClass.token != 0
}

/// `field-vchar` of RFC 9110 §5.5: visible ASCII and obs-text, no controls.
@inline(__always) @usableFromInline
func isFieldVisibleCharacter(_ b: UInt8) -> Bool {
    byteClasses(b) & ByteClass.fieldVisible != 0
}

/// Characters allowed in a request-target: visible ASCII without the fragment mark `#`.
@inline(__always) @usableFromInline
func isTargetCharacter(_ b: UInt8) -> Bool {
    byteClasses(b) & ByteClass.target != 0
}

/// Characters allowed in a Host value.
@inline(__always) @usableFromInline
func isHostCharacter(_ b: UInt8) -> Bool {
    byteClasses(b) & ByteClass.host != 0
}

// Eight bytes at a time (one UInt64 read in either byte order). Each test is exact about whether
// some byte matches, though not about which one.

@inline(__always) @usableFromInline
var byteOnes: UInt64 { 0x0101_0101_0101_0101 }

@inline(__always) @usableFromInline
var byteHighBits: UInt64 { 0x8080_8080_8080_8080 }

/// The high bit of some byte is set if a byte of `word` is below `limit` (at most 0x80).
@inline(__always) @usableFromInline
func bytesBelow(_ word: UInt64, _ limit: UInt8) -> UInt64 {
    (word &- byteOnes &* UInt64(limit)) & ~word & byteHighBits
}

/// The high bit of some byte is set if a byte of `word` is `value`.
@inline(__always) @usableFromInline
func bytesEqual(_ word: UInt64, _ value: UInt8) -> UInt64 {
    bytesBelow(word ^ (byteOnes &* UInt64(value)), 1)
}

/// Whether all eight bytes of `word` are request-target characters.
@inline(__always) @usableFromInline
func areTargetCharacters(_ word: UInt64) -> Bool {
    (bytesBelow(word, 0x21) | (word & byteHighBits) | bytesEqual(word, 0x7F) | bytesEqual(word, 0x23)) == 0
}

/// Whether all eight bytes of `word` are field value bytes other than horizontal tab (which is rare there).
@inline(__always) @usableFromInline
func areFieldValueBytesWithoutTab(_ word: UInt64) -> Bool {
    (bytesBelow(word, 0x20) | bytesEqual(word, 0x7F)) == 0
}

@inline(__always) @usableFromInline
func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

@inline(__always) @usableFromInline
func hexValue(_ b: UInt8) -> Int? {
    switch b {
    case 0x30...0x39: return Int(b &- 0x30)
    case 0x41...0x46: return Int(b &- 0x41 &+ 10)
    case 0x61...0x66: return Int(b &- 0x61 &+ 10)
    default: return nil
    }
}

@inline(__always) @usableFromInline
func asciiLowercased(_ b: UInt8) -> UInt8 {
    (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b
}

/// Compares `bytes` with an all-lowercase ASCII `lowercase`, ignoring the case of `bytes`.
@inline(__always) @usableFromInline
func equalsIgnoringASCIICase(_ bytes: UnsafeBufferPointer<UInt8>, _ lowercase: StaticString) -> Bool {
    guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
    let other = lowercase.utf8Start
    for i in 0..<bytes.count where asciiLowercased(bytes[i]) != other[i] { return false }
    return true
}

/// Compares `bytes` with the ASCII `text` exactly.
@inline(__always) @usableFromInline
func equalsExactly(_ bytes: UnsafeBufferPointer<UInt8>, _ text: StaticString) -> Bool {
    guard bytes.count == text.utf8CodeUnitCount else { return false }
    let other = text.utf8Start
    for i in 0..<bytes.count where bytes[i] != other[i] { return false }
    return true
}

/// Calls `body` with each comma-separated element of the field value `value` (RFC 9110 §5.6.1),
/// optional whitespace trimmed, empty elements included; stops when `body` returns false.
@inline(__always)
func forEachListElement(_ value: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Bool) {
    var start = 0
    var index = 0
    while index <= value.count {
        if index == value.count || value[index] == 0x2C {
            var s = start
            var e = index
            while s < e && (value[s] == asciiSpace || value[s] == asciiTab) { s += 1 }
            while e > s && (value[e - 1] == asciiSpace || value[e - 1] == asciiTab) { e -= 1 }
            if !body(UnsafeBufferPointer(rebasing: value[s..<e])) { return }
            start = index + 1
        }
        index += 1
    }
}
