import ATOF
import COTLP
import CProtobufC
import Testing

@testable import ATOFBridge

@Suite struct StaticAttributeKeyTests {
    /// An LLM scope whose span has fixed keys, message keys from the cache and metadata keys.
    static func llmSpan() throws -> OTLP.Span {
        try MappingFixtures.span(
            start: MappingFixtures.v01(
                "start", name: "openai.chat", category: "llm",
                data: #"{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}"#,
                metadata: #"{"session_id":"s-1","team":"blue"}"#),
            end: MappingFixtures.v01(
                "end", name: "openai.chat", category: "llm",
                data: #"{"choices":[{"finish_reason":"stop","message":{"role":"assistant","content":"hello"}}]}"#))
    }

    @Test("the mapper's fixed keys carry their process-lifetime C string, keys made from metadata do not")
    func mappedFixedKeysCarryTheirCString() throws {
        let span = try Self.llmSpan()
        func attribute(_ key: String) throws -> OTLP.Attribute {
            try #require(span.attributes.first { $0.key == key })
        }

        #expect(try attribute("atof.uuid").keyCString?.pointer == StaticAttributeKey.atofUUID.cString.pointer)
        #expect(try attribute("llm.model_name").keyCString?.pointer == StaticAttributeKey.llmModelName.cString.pointer)
        #expect(try attribute("llm.input_messages.0.message.role").keyCString != nil)
        #expect(try attribute("atof.metadata.team").keyCString == nil)
        for attribute in span.attributes {
            if let cString = attribute.keyCString {
                #expect(String(cString: cString.pointer) == attribute.key)
            }
        }
    }

    @Test("the protobuf request points each fixed key at its C string and copies every other key")
    func requestUsesTheFixedKeyWithoutCopying() throws {
        let span = try Self.llmSpan()
        let builder = ProtobufRequestBuilder(arena: ProtobufArena(initialCapacity: 64))
        let built = builder.request(for: OTLP.SpanBatch(resource: OTLP.Resource(), spans: [span]))
        let message = try #require(built.spans.list?[0])
        let pairs = try #require(message.pointee.attributes)
        #expect(message.pointee.n_attributes == span.attributes.count)

        for (index, attribute) in span.attributes.enumerated() {
            let key = try #require(pairs[index]?.pointee.key)
            #expect(String(cString: key) == attribute.key)
            if let fixed = attribute.keyCString {
                #expect(UnsafePointer(key) == fixed.pointer)
            }
        }
        #expect(built.spans.count == 1)
        #expect(span.attributes.contains { $0.keyCString != nil })
    }

    @Test("changing an attribute's key drops the fixed key's C string, and equality ignores it")
    func changingTheKeyDropsTheCString() {
        var attribute = OTLP.Attribute(StaticAttributeKey.atofUUID, "u-1")
        let plain = OTLP.Attribute("atof.uuid", "u-1")
        #expect(attribute.keyCString != nil)
        #expect(attribute == plain)
        #expect(attribute.hashValue == plain.hashValue)

        attribute.key = "atof.other"

        #expect(attribute.keyCString == nil)
        #expect(attribute.key == "atof.other")
    }

    @Test("a fixed key built twice into the same span keeps one attribute, with the later value")
    func fixedKeysAreStillSetOnce() {
        var builder = AttributeBuilder()
        builder.set(.atofStatus, string: "first")
        builder.set("atof.status", string: "second")
        builder.set(.atofStatus, string: "third")

        #expect(builder.attributes == [OTLP.Attribute("atof.status", "third")])
        #expect(builder.attributes.first?.keyCString != nil)
    }
}

@Suite struct MetadataFoldingTests {
    @Test("metadata with a repeated key is folded: the last value, in the key's first position")
    func repeatedKeyIsFolded() throws {
        let metadata = try JSONParser.parse(#"{"a":1,"b":2,"a":3}"#)

        let folded = SpanMapper.mergedMetadata(start: metadata, end: nil)

        #expect(folded == .object(JSONObject(["a": 3, "b": 2])))
        #expect(SpanMapper.hasRepeatedKey(try #require(metadata.objectValue)))
    }

    @Test("metadata without a repeated key comes back as it is, and start and end merge with the end winning")
    func distinctKeysAreKept() throws {
        let start = try JSONParser.parse(#"{"a":1,"b":2}"#)
        let end = try JSONParser.parse(#"{"b":5,"c":6}"#)

        #expect(SpanMapper.mergedMetadata(start: start, end: nil) == start)
        #expect(SpanMapper.mergedMetadata(start: nil, end: end) == end)
        #expect(SpanMapper.mergedMetadata(start: start, end: end) == .object(JSONObject(["a": 1, "b": 5, "c": 6])))
        #expect(!SpanMapper.hasRepeatedKey(try #require(start.objectValue)))
    }

    @Test("metadata members become atof.metadata.<key> attributes with their types kept")
    func metadataMembersBecomePrefixedAttributes() throws {
        var builder = AttributeBuilder()
        builder.setMetadata(try JSONParser.parse(#"{"team":"blue","n":2,"skip":null,"nested":{"x":true}}"#))

        #expect(
            builder.attributes == [
                OTLP.Attribute("atof.metadata.team", "blue"), OTLP.Attribute("atof.metadata.n", 2),
                OTLP.Attribute("atof.metadata.nested", #"{"x":true}"#),
            ])
    }
}
