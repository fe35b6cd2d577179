import XCTest
@testable import HTTP

/// The parser's byte class table against the grammar it encodes, for all 256 byte values.
final class ByteClassesTests: XCTestCase {
    func isAlphaOrDigit(_ b: UInt8) -> Bool { (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) }

    func testTokenCharactersAreRFC9110Tchar() {
        let punctuation = Array("!#$%&'*+-.^_`|~".utf8)
        for value in 0...255 {
            let b = UInt8(value)
            XCTAssertEqual(isTokenCharacter(b), isAlphaOrDigit(b) || punctuation.contains(b), "byte \(value)")
        }
    }

    func testTargetCharactersAreVisibleASCIIWithoutTheFragmentMark() {
        for value in 0...255 {
            let b = UInt8(value)
            XCTAssertEqual(isTargetCharacter(b), (0x21...0x7E).contains(b) && b != 0x23, "byte \(value)")
        }
    }

    func testFieldVisibleCharactersAreVisibleASCIIAndObsText() {
        for value in 0...255 {
            let b = UInt8(value)
            let visible = (0x21...0x7E).contains(b) || b >= 0x80
            XCTAssertEqual(isFieldVisibleCharacter(b), visible, "byte \(value)")
            XCTAssertEqual(byteClasses(b) & ByteClass.fieldValue != 0, visible || b == 0x20 || b == 0x09, "byte \(value)")
        }
    }

    func testHostCharactersAreRegNameIPLiteralAndPort() {
        let punctuation = Array("-._~!$&'()*+,;=:[]%".utf8)
        for value in 0...255 {
            let b = UInt8(value)
            XCTAssertEqual(isHostCharacter(b), isAlphaOrDigit(b) || punctuation.contains(b), "byte \(value)")
        }
    }
}
