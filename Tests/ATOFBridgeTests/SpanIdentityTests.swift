import ATOF
import Testing

@testable import ATOFBridge

@Suite("The identity rule")
struct SpanIdentityTests {
    typealias E = TestEvents
    static let uuid = "01a1fdfa-5a34-7350-b758-610a8a3b5e4e"

    @Test("a canonical UUID in either case gives its last 8 bytes as span id and its 16 bytes as trace id")
    func uuidIds() {
        for text in [Self.uuid, Self.uuid.uppercased()] {
            #expect(SpanIdentity.spanID(of: UUIDKey(text)).hex == "b758610a8a3b5e4e")
            #expect(SpanIdentity.traceID(of: UUIDKey(text)).hex == "01a1fdfa5a347350b758610a8a3b5e4e")
        }
    }

    @Test("other text, a UUID with zero last bytes and the all-zero UUID get ids hashed from their text")
    func hashedIds() {
        let zeroLow = "01a1fdfa-5a34-7350-0000-000000000000"
        #expect(SpanIdentity.spanID(of: UUIDKey(zeroLow)).value == SpanIdentity.murmur3(Array(zeroLow.utf8)).0)
        #expect(SpanIdentity.traceID(of: UUIDKey(zeroLow)).hex == "01a1fdfa5a3473500000000000000000")
        let zero = "00000000-0000-0000-0000-000000000000"
        #expect(SpanIdentity.traceID(of: UUIDKey(zero)).high == SpanIdentity.murmur3(Array(zero.utf8)).0)
        #expect(SpanIdentity.spanID(of: UUIDKey("llm-001")).value == SpanIdentity.murmur3(Array("llm-001".utf8)).0)
    }

    @Test("occurrence n ≥ 2 of a uuid, and an orphan mark reusing it, take the hash of <uuid>#<n>")
    func repeatedUses() {
        let key = UUIDKey(Self.uuid)
        let second = SpanIdentity.spanID(of: key, occurrence: 2)
        #expect(second == SpanIdentity.spanID(of: UUIDKey(Self.uuid + "#2")))
        #expect(second != SpanIdentity.spanID(of: key))
        #expect(SpanIdentity.markSpanID(of: key, scopeUse: 3) == SpanIdentity.spanID(of: UUIDKey(Self.uuid + "#3")))
        #expect(SpanIdentity.markSpanID(of: key, scopeUse: nil) == SpanIdentity.spanID(of: key))
    }

    @Test("a root's metadata: traceparent first, else trace_id with span_id; anything malformed is no context")
    func metadataContext() throws {
        let header = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03"
        let both: JSONValue = [
            "traceparent": .string(header), "trace_id": "11111111111111111111111111111111", "span_id": "2222222222222222",
            "tracestate": "k=v",
        ]
        let joined = try #require(TraceParent(metadata: both))
        #expect(joined.traceID.hex == "4bf92f3577b34da6a3ce929d0e0e4736" && joined.parentSpanID.hex == "00f067aa0ba902b7")
        #expect(joined.traceState == "k=v" && joined.spanFlags == 0x303)

        let fallback = try #require(
            TraceParent(metadata: ["traceparent": "garbage", "trace_id": "11111111111111111111111111111111", "span_id": "2222222222222222"])
        )
        #expect(fallback.traceID.hex == "11111111111111111111111111111111" && fallback.parentSpanID.hex == "2222222222222222")
        #expect(fallback.flags == 0x01 && fallback.traceState == nil)

        #expect(TraceParent(metadata: nil) == nil)
        #expect(TraceParent(metadata: .string(header)) == nil)
        #expect(TraceParent(metadata: ["trace_id": "00000000000000000000000000000000", "span_id": "2222222222222222"]) == nil)
        #expect(TraceParent(metadata: ["trace_id": "11111111111111111111111111111111"]) == nil)
    }

    @Test(
        "offline and live assembly give the same ids to a joined trace, a reused uuid, a duplicate start and an orphan mark reusing a scope's uuid"
    )
    func bothAssemblersAgree() {
        let joined: JSONValue = ["traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"]
        let events = [
            E.start("root", at: 0, metadata: joined), E.start(Self.uuid, parent: "root", at: 1),
            E.start(Self.uuid, parent: "root", at: 1.5),
            E.end(Self.uuid, parent: "root", at: 2), E.start("again", parent: "root", at: 3), E.end("again", parent: "root", at: 4),
            E.start("again", parent: "root", at: 5), E.end("again", parent: "root", at: 6), E.end("root", at: 7),
            E.mark("again", parent: "root", at: 8),
        ]
        var live = LiveSpanAssembler()
        let liveItems = E.sourced(events).flatMap { live.receive($0) } + live.finish()
        let offlineItems = SpanAssembler().assemble(E.sourced(events)).items
        let liveIDs = Set(E.scopes(liveItems).map(\.identity) + E.orphans(liveItems).map(\.identity))
        let offlineIDs = Set(E.scopes(offlineItems).map(\.identity) + E.orphans(offlineItems).map(\.identity))
        #expect(liveIDs.count == 6)
        #expect(liveIDs == offlineIDs)
        #expect(E.orphans(offlineItems).first?.identity.spanID == SpanIdentity.spanID(of: UUIDKey("again#3")))
    }
}
