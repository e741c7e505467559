import Foundation

/// Scalar classification shared by the tokenizer and the rule lexer.
enum CharacterClass {
    static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3040...0x30FF,  // Hiragana, Katakana
            0x3400...0x4DBF,  // CJK Extension A
            0x4E00...0x9FFF,  // CJK Unified Ideographs
            0xAC00...0xD7AF,  // Hangul syllables
            0xF900...0xFAFF,  // CJK Compatibility Ideographs
            0x20000...0x2FA1F:  // Extensions B–F and supplement
            return true
        default:
            return false
        }
    }

    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let value = scalar.value
            return (value >= 0x30 && value <= 0x39) || (value >= 0x41 && value <= 0x5A) || (value >= 0x61 && value <= 0x7A)
        }
        return isNonASCIIWordScalar(scalar)
    }

    // The Unicode-table paths are kept out of line: inlined into the tokenizer, their resilient standard-library
    // types made every call of it fetch type metadata on entry (2.8 % of matching at 10 rules).
    @inline(never)
    private static func isNonASCIIWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        if properties.isAlphabetic { return true }
        switch properties.generalCategory {
        case .decimalNumber, .nonspacingMark, .spacingMark, .enclosingMark:
            return true
        default:
            return false
        }
    }

    /// `properties.isAlphabetic`, answered without the Unicode tables for ASCII (where only letters are alphabetic):
    /// the property lookup was the tokenizer's single biggest cost on English text.
    static func isAlphabetic(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let value = scalar.value | 0x20
            return value >= 0x61 && value <= 0x7A
        }
        return isNonASCIIAlphabetic(scalar)
    }

    @inline(never)
    private static func isNonASCIIAlphabetic(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic
    }

    /// Whitespace or a default-ignorable code point (soft hyphen, zero-width space…): skipped between tokens.
    /// In ASCII that is exactly tab, line feed, vertical tab, form feed, carriage return and space.
    static func isSkippable(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let value = scalar.value
            return value == 0x20 || (value >= 0x09 && value <= 0x0D)
        }
        return isNonASCIISkippable(scalar)
    }

    @inline(never)
    private static func isNonASCIISkippable(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace || scalar.properties.isDefaultIgnorableCodePoint
    }

    /// A decimal digit. Asked at every comma after a word ("12,416"), so ASCII is answered without the tables.
    static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return scalar.value >= 0x30 && scalar.value <= 0x39 }
        return isNonASCIIDigit(scalar)
    }

    @inline(never)
    private static func isNonASCIIDigit(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .decimalNumber
    }

    static func isApostrophe(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "'" || scalar == "\u{2019}" || scalar == "\u{2018}" || scalar == "\u{02BC}"
    }

    /// Typographic quotes and dashes fold to ASCII so that analysts can type rules with a plain keyboard.
    static func fold(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        switch scalar.value {
        case 0x2018, 0x2019, 0x201A, 0x201B, 0x2032, 0x02BC: return "'"
        case 0x201C, 0x201D, 0x201E, 0x201F, 0x2033, 0x00AB, 0x00BB: return "\""
        case 0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0xFE58, 0xFE63, 0xFF0D: return "-"
        case 0x00A0, 0x2007, 0x202F: return " "
        default: return scalar
        }
    }
}

extension String {
    /// NFKC normalisation: full-width letters, ligatures and compatibility forms become their plain equivalents.
    var nfkc: String {
        precomposedStringWithCompatibilityMapping
    }
}
