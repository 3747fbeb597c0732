import Foundation
import Testing

@testable import WebAPI

@Suite("JSON serialisation")
struct JSONValueTests {
    @Test("strings round-trip through a JSON parser; markup and control bytes are escaped")
    func strings() throws {
        let samples = [
            "", "plain ascii", "quote \" and backslash \\ ", "<script>&amp;</script>", "tab\tnewline\nreturn\r",
            "\u{0}\u{1}\u{1F}\u{7F}", "é ü ß 漢字 🚀", String(repeating: "long run without escapes ", count: 50) + "\"",
            "\"", "\\\\", "\n",
        ]
        for sample in samples {
            let bytes = JSONValue.array([.string(sample)]).bytes
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(!text.contains("<") && !text.contains(">") && !text.contains("&"))
            #expect(!bytes.contains { $0 < 0x20 || $0 == 0x7F })
            let parsed = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String]
            #expect(parsed == [sample], "\(text)")
        }
        #expect(String(decoding: JSONValue.string("a\"b<").bytes, as: UTF8.self) == #""a\"b\u003c""#)
    }
}
