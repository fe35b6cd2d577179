// Character classes of RFC 9110 / RFC 9112, as branch tables rather than lookup arrays so
// that no global needs lazy initialisation on the hot path.

@usableFromInline let asciiCR: UInt8 = 0x0D
@usableFromInline let asciiLF: UInt8 = 0x0A
@usableFromInline let asciiSpace: UInt8 = 0x20
@usableFromInline let asciiTab: UInt8 = 0x09
@usableFromInline let asciiColon: UInt8 = 0x3A

/// `tchar` of RFC 9110 §5.6.2: the characters of a token (method, field name, coding).
@inline(__always) @usableFromInline
func isTokenCharacter(_ b: UInt8) -> Bool {
    switch b {
    case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
    case 0x21, 0x23, 0x24, 0x25, 0x26, 0x27, 0x2A, 0x2B, 0x2D, 0x2E, 0x5E, 0x5F, 0x60, 0x7C, 0x7E: return true
    default: return false
    }
}

/// `field-vchar` of RFC 9110 §5.5: visible ASCII and obs-text, no controls.
@inline(__always) @usableFromInline
func isFieldVisibleCharacter(_ b: UInt8) -> Bool {
    (b >= 0x21 && b <= 0x7E) || b >= 0x80
}

/// Characters allowed in a request-target: visible ASCII without the fragment mark `#`.
@inline(__always) @usableFromInline
func isTargetCharacter(_ b: UInt8) -> Bool {
    b >= 0x21 && b <= 0x7E && b != 0x23
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
