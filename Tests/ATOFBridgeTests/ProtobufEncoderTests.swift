import COTLP
import CProtobufC
import Testing

@testable import ATOFBridge

@Suite struct ProtobufEncoderTests {
    let encoder = ProtobufEncoder()

    // MARK: - Round trips through protobuf-c's own unpack

    @Test func roundTripPreservesEverySpanFieldResourceAndScope() throws {
        let batch = OTLP.SpanBatch(
            resource: OTLP.Resource(attributes: [
                OTLP.Attribute("service.name", "planner-agent"),
                OTLP.Attribute("service.instance.id", 7),
                OTLP.Attribute("deployment.canary", true),
            ]),
            scope: OTLP.InstrumentationScope(name: "tests.scope", version: "9.8.7"),
            spans: Fixtures.variedSpans
        )

        let decoded = try DecodedRequest(encoder.encode(batch))

        #expect(decoded.resourceSpansCount == 1)
        #expect(decoded.scopeSpansCount == 1)
        #expect(decoded.batch == batch)
    }

    @Test func everySpanKindRoundTrips() throws {
        let spans = OTLP.SpanKind.allCases.enumerated().map { index, kind in
            OTLP.Span(
                traceID: Fixtures.traceID, spanID: OTLP.SpanID(UInt64(index + 1)), name: "kind-\(kind)", kind: kind,
                startTimeUnixNano: 1, endTimeUnixNano: 2)
        }
        let batch = OTLP.SpanBatch(resource: OTLP.Resource(), spans: spans)

        let decoded = try DecodedRequest(encoder.encode(batch))

        #expect(decoded.batch.spans.map(\.kind) == OTLP.SpanKind.allCases)
    }

    @Test func idsAreRawBigEndianBytesAndRootsHaveNoParent() throws {
        let root = OTLP.Span(
            traceID: OTLP.TraceID(high: 0x0102_0304_0506_0708, low: 0x090A_0B0C_0D0E_0F10),
            spanID: OTLP.SpanID(0x1112_1314_1516_1718), name: "root", startTimeUnixNano: 1, endTimeUnixNano: 2)
        var child = root
        child.spanID = OTLP.SpanID(0x2122_2324_2526_2728)
        child.parentSpanID = root.spanID
        child.name = "child"

        let bytes = encoder.encode(OTLP.SpanBatch(resource: OTLP.Resource(), spans: [root, child]))

        try withUnpackedRequest(bytes) { request in
            let spans = try spanMessages(request)
            try #require(spans.count == 2)
            #expect(binary(spans[0].pointee.trace_id) == Array(1...16))
            #expect(binary(spans[0].pointee.span_id) == Array(0x11...0x18))
            #expect(spans[0].pointee.parent_span_id.len == 0)
            #expect(binary(spans[1].pointee.span_id) == Array(0x21...0x28))
            #expect(binary(spans[1].pointee.parent_span_id) == Array(0x11...0x18))
        }
    }

    @Test func statusIsSentOnlyWhenItHasACodeOrAMessage() throws {
        var unset = Fixtures.plainSpan(id: 1)
        unset.status = .unset
        var ok = Fixtures.plainSpan(id: 2)
        ok.status = .ok
        var messageOnly = Fixtures.plainSpan(id: 3)
        messageOnly.status = OTLP.SpanStatus(code: .unset, message: "note")
        var error = Fixtures.plainSpan(id: 4)
        error.status = .error("boom")

        let bytes = encoder.encode(OTLP.SpanBatch(resource: OTLP.Resource(), spans: [unset, ok, messageOnly, error]))

        try withUnpackedRequest(bytes) { request in
            let spans = try spanMessages(request)
            try #require(spans.count == 4)
            #expect(spans[0].pointee.status == nil)
            let okStatus = try #require(spans[1].pointee.status)
            #expect(okStatus.pointee.code.rawValue == 1)
            #expect(string(okStatus.pointee.message) == "")
            let noteStatus = try #require(spans[2].pointee.status)
            #expect(noteStatus.pointee.code.rawValue == 0)
            #expect(string(noteStatus.pointee.message) == "note")
            let errorStatus = try #require(spans[3].pointee.status)
            #expect(errorStatus.pointee.code.rawValue == 2)
            #expect(string(errorStatus.pointee.message) == "boom")
        }
    }

    @Test func traceStateIsSentOnlyWhenPresent() throws {
        var joined = Fixtures.plainSpan(id: 1)
        joined.traceState = "vendor=abc,other=1"
        let local = Fixtures.plainSpan(id: 2)

        let bytes = encoder.encode(OTLP.SpanBatch(resource: OTLP.Resource(), spans: [joined, local]))

        try withUnpackedRequest(bytes) { request in
            let spans = try spanMessages(request)
            try #require(spans.count == 2)
            #expect(string(spans[0].pointee.trace_state) == "vendor=abc,other=1")
            #expect(string(spans[1].pointee.trace_state) == "")
        }
    }

    // MARK: - Strings

    @Test func nulCharactersBecomeReplacementCharactersWithoutLosingTheRest() throws {
        let withNUL = "before\u{0}after\u{0}"
        let expected = "before\u{FFFD}after\u{FFFD}"
        var span = Fixtures.plainSpan(id: 1)
        span.name = withNUL
        span.traceState = withNUL
        span.attributes = [
            OTLP.Attribute("key\u{0}tail", .string(withNUL)),
            OTLP.Attribute("list", .stringArray(["\u{0}", withNUL, ""])),
        ]
        span.events = [OTLP.SpanEvent(name: "\u{0}\u{0}", timeUnixNano: 5)]
        span.status = .error(withNUL)

        let decoded = try DecodedRequest(
            encoder.encode(
                OTLP.SpanBatch(resource: OTLP.Resource(), scope: OTLP.InstrumentationScope(name: withNUL, version: "1"), spans: [span])))

        let back = try #require(decoded.batch.spans.first)
        #expect(back.name == expected)
        #expect(back.traceState == expected)
        #expect(
            back.attributes == [
                OTLP.Attribute("key\u{FFFD}tail", .string(expected)),
                OTLP.Attribute("list", .stringArray(["\u{FFFD}", expected, ""])),
            ])
        #expect(back.events.first?.name == "\u{FFFD}\u{FFFD}")
        #expect(back.status == .error(expected))
        #expect(decoded.batch.scope.name == expected)
    }

    @Test func nonASCIIStringsRoundTripByteForByte() throws {
        let text = "héllo wörld · 日本語 · 🤖🧠 · \u{202E}rtl · e\u{301}"
        var span = Fixtures.plainSpan(id: 1)
        span.name = text
        span.attributes = [OTLP.Attribute("ключ", .string(text)), OTLP.Attribute("列表", .stringArray([text, "ü"]))]
        span.events = [OTLP.SpanEvent(name: text, timeUnixNano: 3, attributes: [OTLP.Attribute(text, .string(text))])]
        let batch = OTLP.SpanBatch(
            resource: OTLP.Resource(attributes: [OTLP.Attribute("service.name", .string(text))]),
            scope: OTLP.InstrumentationScope(name: text, version: text), spans: [span])

        let decoded = try DecodedRequest(encoder.encode(batch))

        #expect(decoded.batch == batch)
        #expect(Array(try #require(decoded.batch.spans.first).name.utf8) == Array(text.utf8))
    }

    @Test func longStringsAreCopiedWhole() throws {
        let long = String(repeating: "abcdefgh", count: 200_000)
        var span = Fixtures.plainSpan(id: 1)
        span.attributes = [OTLP.Attribute("input.value", .string(long))]

        let decoded = try DecodedRequest(encoder.encode(OTLP.SpanBatch(resource: OTLP.Resource(), spans: [span])))

        #expect(decoded.batch.spans.first?.attributes.first?.value.stringValue?.utf8.count == long.utf8.count)
        #expect(decoded.batch.spans == [span])
    }

    // MARK: - Batch sizes

    @Test func emptyBatchSendsResourceAndScopeWithNoSpans() throws {
        let batch = OTLP.SpanBatch(resource: OTLP.Resource(attributes: [OTLP.Attribute("service.name", "idle")]), spans: [])

        let bytes = encoder.encode(batch)
        let decoded = try DecodedRequest(bytes)

        #expect(!bytes.isEmpty)
        #expect(decoded.resourceSpansCount == 1)
        #expect(decoded.scopeSpansCount == 1)
        #expect(decoded.batch == batch)
    }

    @Test func batchOfTenThousandSpansPacksAndUnpacks() throws {
        let spans = (0..<10_000).map(Fixtures.loadSpan)
        let batch = OTLP.SpanBatch(resource: OTLP.Resource(attributes: [OTLP.Attribute("service.name", "load")]), spans: spans)

        let decoded = try DecodedRequest(encoder.encode(batch))

        #expect(decoded.batch.spans.count == 10_000)
        #expect(decoded.batch == batch)
    }

    @Test func encodingIsDeterministic() {
        let batch = OTLP.SpanBatch(resource: OTLP.Resource(), spans: Fixtures.variedSpans)

        #expect(encoder.encode(batch) == encoder.encode(batch))
    }

    // MARK: - Hand-written envelope against protobuf-c's own packing

    @Test(arguments: ProtobufEncoderTests.packingCases)
    func envelopeBytesEqualProtobufCPackingOfTheWholeRequest(_ packingCase: PackingCase) {
        let batch = packingCase.batch
        let builder = ProtobufRequestBuilder(arena: ProtobufArena(initialCapacity: 64))
        let built = builder.request(for: batch)
        let reference = Self.protobufCPacking(of: batch)

        let packed = ProtobufEncoder.pack(built, spanBytesBound: builder.spanBytesBound, arena: builder.arena)

        #expect(packed == reference)
        #expect(encoder.encode(batch) == reference)
    }

    @Test(arguments: ProtobufEncoderTests.packingCases)
    func spanSizeBoundCoversEveryPackedSpan(_ packingCase: PackingCase) throws {
        let batch = packingCase.batch
        let builder = ProtobufRequestBuilder(arena: ProtobufArena(initialCapacity: 64))
        let built = builder.request(for: batch)
        var packedTotal = 0
        for span in try messages(built.spans.list, count: built.spans.count) {
            packedTotal += protobuf_c_message_get_packed_size(&span.pointee.base)
        }

        #expect(packedTotal <= builder.spanBytesBound)
    }

    // MARK: - One request in parts

    @Test(
        "the request head followed by the span entries of consecutive batches is protobuf-c's packing of the whole request",
        arguments: ProtobufEncoderTests.packingCases, [1, 2, 3, 7, 64, 4096])
    func requestInPartsEqualsProtobufCPackingOfTheWholeRequest(_ packingCase: PackingCase, batchSize: Int) throws {
        let batch = packingCase.batch
        let reference = Self.protobufCPacking(of: batch)
        var entries: [UInt8] = []
        for start in stride(from: 0, to: batch.spans.count, by: batchSize) {
            entries += encoder.encodeSpanEntries(Array(batch.spans[start..<min(start + batchSize, batch.spans.count)]))
        }

        let request =
            encoder.requestHead(resource: batch.resource, scope: batch.scope, spanEntriesByteCount: entries.count) + entries

        #expect(request == reference)
        // Every span, whole and in order (NaN and U+0000 keep whole spans from comparing equal).
        let decoded = try DecodedRequest(request).batch
        #expect(decoded.resource == batch.resource)
        #expect(decoded.scope == batch.scope)
        #expect(decoded.spans.map(\.spanID) == batch.spans.map(\.spanID))
        #expect(decoded.spans.map(\.attributes.count) == batch.spans.map(\.attributes.count))
    }

    @Test("the span entries of no spans are empty and the head alone is the request of an empty batch")
    func requestWithoutSpansIsTheHeadAlone() {
        let resource = OTLP.Resource(attributes: [OTLP.Attribute("service.name", "x")])
        let scope = OTLP.InstrumentationScope(name: "scope", version: "1")

        #expect(encoder.encodeSpanEntries([]).isEmpty)
        #expect(
            encoder.requestHead(resource: resource, scope: scope, spanEntriesByteCount: 0)
                == encoder.encode(OTLP.SpanBatch(resource: resource, scope: scope, spans: [])))
    }

    /// `batch` as protobuf-c's generic `export_trace_service_request__pack` packs it.
    private static func protobufCPacking(of batch: OTLP.SpanBatch) -> [UInt8] {
        let builder = ProtobufRequestBuilder(arena: ProtobufArena(initialCapacity: 64))
        let built = builder.request(for: batch)
        let size = opentelemetry__proto__collector__trace__v1__export_trace_service_request__get_packed_size(built.request)
        return [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = opentelemetry__proto__collector__trace__v1__export_trace_service_request__pack(
                built.request, buffer.baseAddress)
        }
    }

    /// A named batch (the name keeps the test log short).
    struct PackingCase: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var batch: OTLP.SpanBatch
    }

    static let packingCases: [PackingCase] = [
        PackingCase(testDescription: "empty batch", batch: OTLP.SpanBatch(resource: OTLP.Resource(), spans: [])),
        PackingCase(
            testDescription: "varied spans",
            batch: OTLP.SpanBatch(resource: OTLP.Resource(attributes: [OTLP.Attribute("service.name", "x")]), spans: Fixtures.variedSpans)),
        PackingCase(
            testDescription: "longest numeric encodings",
            batch: OTLP.SpanBatch(resource: OTLP.Resource(), spans: [Fixtures.extremeSpan])),
        PackingCase(
            testDescription: "multi-byte lengths",
            batch: OTLP.SpanBatch(resource: OTLP.Resource(), spans: [Fixtures.bigSpan])),
        PackingCase(
            testDescription: "300 spans, long resource and scope",
            batch: OTLP.SpanBatch(
                resource: OTLP.Resource(attributes: [OTLP.Attribute("long", .string(String(repeating: "r", count: 20_000)))]),
                scope: OTLP.InstrumentationScope(name: String(repeating: "s", count: 300), version: ""),
                spans: (0..<300).map(Fixtures.loadSpan))),
    ]

    // MARK: - Arena

    @Test func arenaAlignsAllocationsAndGrowsInFewChunks() {
        let arena = ProtobufArena(initialCapacity: 1024)
        for size in 1...20_000 {
            let alignment = [1, 2, 4, 8, 16][size % 5]
            let pointer = arena.allocate(byteCount: size % 97 + 1, alignment: alignment)
            #expect(Int(bitPattern: pointer) % alignment == 0)
        }
        // About 1 MB requested in total: doubling from 1 KiB takes about ten chunks.
        #expect(arena.chunkCount <= 12)
    }

    @Test func arenaCopiesStringsWithTerminator() {
        let arena = ProtobufArena(initialCapacity: 256)
        let copy = Array("abc\u{0}d".utf8).withUnsafeBufferPointer { arena.copyCString($0) }
        let plain = Array("plain text".utf8).withUnsafeBufferPointer { arena.copyCString($0) }
        let empty = arena.copyCString(UnsafeBufferPointer(start: nil, count: 0))

        #expect(String(cString: copy.pointer) == "abc\u{FFFD}d")
        #expect(copy.length == 7)
        #expect(strlenOf(copy.pointer) == 7)
        #expect(String(cString: plain.pointer) == "plain text")
        #expect(plain.length == 10)
        #expect(empty.length == 0)
        #expect(empty.pointer.pointee == 0)
    }

    @Test func zeroByteScanFindsZerosAtEveryPosition() {
        for length in 0..<40 {
            let clean = [UInt8](repeating: 0x41, count: length)
            #expect(!containsZeroByte(clean))
            for position in 0..<length {
                var bytes = clean
                bytes[position] = 0
                #expect(containsZeroByte(bytes), "zero at \(position) of \(length)")
            }
        }
        // Bytes with the high bit set, and 0x01 bytes, next to each other are not zeros.
        #expect(!containsZeroByte([0x80, 0x81, 0xFF, 0x01, 0x80, 0x01, 0x7F, 0x80, 0xC3, 0xA9, 0x01, 0x01]))
    }

    private func containsZeroByte(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return false }
            return ProtobufArena.containsZeroByte(base, count: buffer.count)
        }
    }
}

// MARK: - Fixtures

private enum Fixtures {
    static let traceID = OTLP.TraceID(high: 0x4BF9_2F35_77B3_4DA6, low: 0xA3CE_929D_0E0E_4736)

    static func plainSpan(id: UInt64) -> OTLP.Span {
        OTLP.Span(traceID: traceID, spanID: OTLP.SpanID(id), name: "span-\(id)", startTimeUnixNano: 10, endTimeUnixNano: 20)
    }

    /// A span like the load tests': eight string attributes, sometimes an event or an error.
    static func loadSpan(_ index: Int) -> OTLP.Span {
        let start: UInt64 = 1_700_000_000_000_000_000 + UInt64(index) * 1_000
        let parent: OTLP.SpanID? = index % 100 == 0 ? nil : OTLP.SpanID(UInt64(index - index % 100 + 1))
        let attributes = (0..<8).map { OTLP.Attribute("attribute.\($0)", .string("value \($0) of span \(index)")) }
        let events = index % 10 == 0 ? [OTLP.SpanEvent(name: "mark", timeUnixNano: start + 10)] : []
        let status: OTLP.SpanStatus = index % 7 == 0 ? .error("failed \(index)") : .ok
        return OTLP.Span(
            traceID: OTLP.TraceID(high: UInt64(index / 100 + 1), low: 0xABCD), spanID: OTLP.SpanID(UInt64(index + 1)),
            parentSpanID: parent, name: "span \(index)", kind: index % 2 == 0 ? .internal : .client,
            startTimeUnixNano: start, endTimeUnixNano: start + 500, attributes: attributes, events: events,
            status: status)
    }

    /// Every numeric field at the value with the longest encoding.
    static let extremeSpan = OTLP.Span(
        traceID: OTLP.TraceID(high: UInt64.max, low: UInt64.max),
        spanID: OTLP.SpanID(UInt64.max),
        parentSpanID: OTLP.SpanID(UInt64.max),
        traceState: "k=v",
        name: "extreme",
        kind: .consumer,
        startTimeUnixNano: UInt64.max,
        endTimeUnixNano: UInt64.max,
        attributes: [
            OTLP.Attribute("min", .int(Int64.min)),
            OTLP.Attribute("minusOne", .int(-1)),
            OTLP.Attribute("max", .int(Int64.max)),
            OTLP.Attribute("nan", .double(.nan)),
            OTLP.Attribute("inf", .double(-.infinity)),
            OTLP.Attribute("t", true),
            OTLP.Attribute("list", .stringArray(["", "\u{0}", "x"])),
        ],
        droppedAttributesCount: UInt32.max,
        events: [OTLP.SpanEvent(name: "", timeUnixNano: UInt64.max, attributes: [OTLP.Attribute("", .int(Int64.min))])],
        droppedEventsCount: UInt32.max,
        status: OTLP.SpanStatus(code: .error, message: "\u{0}"),
        flags: UInt32.max
    )

    /// A span whose strings and lists need multi-byte length prefixes.
    static let bigSpan = OTLP.Span(
        traceID: traceID,
        spanID: OTLP.SpanID(9),
        name: String(repeating: "n", count: 200),
        startTimeUnixNano: 1,
        endTimeUnixNano: 2,
        attributes: (0..<300).map { OTLP.Attribute("key.\($0)", .string(String(repeating: "v", count: $0 * 7))) }
            + [OTLP.Attribute("huge", .string(String(repeating: "h", count: 3_000_000)))]
            + [OTLP.Attribute("many", .stringArray((0..<2_000).map { "item \($0)" }))],
        events: (0..<200).map { OTLP.SpanEvent(name: "event \($0)", timeUnixNano: UInt64($0)) }
    )

    static let variedSpans: [OTLP.Span] = [
        OTLP.Span(
            traceID: traceID,
            spanID: OTLP.SpanID(0x00F0_67AA_0BA9_02B7),
            traceState: "rojo=00f067aa0ba902b7",
            name: "agent turn",
            kind: .server,
            startTimeUnixNano: 1_700_000_000_000_000_000,
            endTimeUnixNano: 1_700_000_001_500_000_000,
            attributes: [OTLP.Attribute("atof.category", "agent")],
            status: .ok,
            flags: 0x301
        ),
        OTLP.Span(
            traceID: traceID,
            spanID: OTLP.SpanID(0x1111_2222_3333_4444),
            parentSpanID: OTLP.SpanID(0x00F0_67AA_0BA9_02B7),
            name: "llm call",
            kind: .client,
            startTimeUnixNano: 1_700_000_000_100_000_000,
            endTimeUnixNano: 1_700_000_000_900_000_000,
            attributes: [
                OTLP.Attribute("gen_ai.request.model", "gpt-4o"),
                OTLP.Attribute("gen_ai.usage.input_tokens", 1234),
                OTLP.Attribute("gen_ai.usage.negative", .int(Int64.min)),
                OTLP.Attribute("gen_ai.usage.max", .int(Int64.max)),
                OTLP.Attribute("gen_ai.request.temperature", 0.25),
                OTLP.Attribute("gen_ai.request.top_p", .double(-1e-300)),
                OTLP.Attribute("llm.streaming", true),
                OTLP.Attribute("llm.cached", false),
                OTLP.Attribute("gen_ai.response.finish_reasons", .stringArray(["stop", "length"])),
                OTLP.Attribute("empty.list", .stringArray([])),
                OTLP.Attribute("empty.string", ""),
            ],
            droppedAttributesCount: 3,
            events: [
                OTLP.SpanEvent(name: "first_token", timeUnixNano: 1_700_000_000_200_000_000),
                OTLP.SpanEvent(
                    name: "exception", timeUnixNano: 1_700_000_000_800_000_000,
                    attributes: [
                        OTLP.Attribute("exception.type", "Timeout"),
                        OTLP.Attribute("exception.retries", 2),
                        OTLP.Attribute("exception.tags", .stringArray(["a", "b", "c"])),
                    ]),
            ],
            droppedEventsCount: 5,
            status: .error("upstream timed out"),
            flags: 0x01
        ),
        OTLP.Span(
            traceID: OTLP.TraceID(high: 1, low: 2),
            spanID: OTLP.SpanID(UInt64.max),
            parentSpanID: OTLP.SpanID(1),
            name: "tool call",
            kind: .internal,
            startTimeUnixNano: 0,
            endTimeUnixNano: UInt64.max,
            status: OTLP.SpanStatus(code: .unset, message: "only a message"),
            flags: 0
        ),
        OTLP.Span(
            traceID: OTLP.TraceID(high: UInt64.max, low: UInt64.max),
            spanID: OTLP.SpanID(42),
            name: "unspecified",
            kind: .unspecified,
            startTimeUnixNano: 5,
            endTimeUnixNano: 5,
            flags: 0xFFFF_FFFF
        ),
    ]
}

// MARK: - Reading protobuf-c's unpacked structs back into the value model

private typealias UnpackedRequest = Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceRequest

private struct DecodeFailure: Error, CustomStringConvertible {
    var description: String
}

/// Unpacks `bytes` with protobuf-c, hands the message to `body` and frees it.
private func withUnpackedRequest<Result>(
    _ bytes: [UInt8], _ body: (UnsafeMutablePointer<UnpackedRequest>) throws -> Result
) throws -> Result {
    let unpacked = bytes.withUnsafeBufferPointer { buffer in
        opentelemetry__proto__collector__trace__v1__export_trace_service_request__unpack(
            nil, buffer.count, buffer.baseAddress)
    }
    guard let request = unpacked else { throw DecodeFailure(description: "protobuf-c could not unpack the request") }
    defer { opentelemetry__proto__collector__trace__v1__export_trace_service_request__free_unpacked(request, nil) }
    return try body(request)
}

private func messages<Message>(
    _ list: UnsafeMutablePointer<UnsafeMutablePointer<Message>?>?, count: Int
) throws -> [UnsafeMutablePointer<Message>] {
    guard count > 0 else { return [] }
    let list = try #require(list)
    return try (0..<count).map { try #require(list[$0]) }
}

private func spanMessages(_ request: UnsafeMutablePointer<UnpackedRequest>) throws -> [UnsafeMutablePointer<PBSpan>] {
    let resourceSpans = try #require(
        messages(request.pointee.resource_spans, count: request.pointee.n_resource_spans).first)
    let scopeSpans = try #require(
        messages(resourceSpans.pointee.scope_spans, count: resourceSpans.pointee.n_scope_spans).first)
    return try messages(scopeSpans.pointee.spans, count: scopeSpans.pointee.n_spans)
}

private func string(_ pointer: UnsafeMutablePointer<CChar>?) -> String {
    pointer.map { String(cString: $0) } ?? ""
}

private func strlenOf(_ pointer: UnsafeMutablePointer<CChar>) -> Int {
    var length = 0
    while pointer[length] != 0 { length += 1 }
    return length
}

private func binary(_ data: ProtobufCBinaryData) -> [UInt8] {
    guard let bytes = data.data, data.len > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: bytes, count: data.len))
}

private func bigEndianUInt64(_ bytes: ArraySlice<UInt8>) -> UInt64 {
    bytes.reduce(0) { $0 << 8 | UInt64($1) }
}

/// A request unpacked by protobuf-c and converted back to the value model.
private struct DecodedRequest {
    var resourceSpansCount: Int
    var scopeSpansCount: Int
    var batch: OTLP.SpanBatch

    init(_ bytes: [UInt8]) throws {
        (resourceSpansCount, scopeSpansCount, batch) = try withUnpackedRequest(bytes) { request in
            let resourceSpansList = try messages(request.pointee.resource_spans, count: request.pointee.n_resource_spans)
            let resourceSpans = try #require(resourceSpansList.first)
            let scopeSpansList = try messages(
                resourceSpans.pointee.scope_spans, count: resourceSpans.pointee.n_scope_spans)
            let scopeSpans = try #require(scopeSpansList.first)

            let resource = try #require(resourceSpans.pointee.resource)
            #expect(resource.pointee.dropped_attributes_count == 0)
            #expect(string(resourceSpans.pointee.schema_url) == "")
            let scope = try #require(scopeSpans.pointee.scope)
            #expect(scope.pointee.n_attributes == 0)
            #expect(string(scopeSpans.pointee.schema_url) == "")

            let spans = try messages(scopeSpans.pointee.spans, count: scopeSpans.pointee.n_spans).map(Self.span)
            let batch = OTLP.SpanBatch(
                resource: OTLP.Resource(attributes: try Self.attributes(resource.pointee.attributes, resource.pointee.n_attributes)),
                scope: OTLP.InstrumentationScope(name: string(scope.pointee.name), version: string(scope.pointee.version)),
                spans: spans)
            return (resourceSpansList.count, scopeSpansList.count, batch)
        }
    }

    private static func span(_ message: UnsafeMutablePointer<PBSpan>) throws -> OTLP.Span {
        let span = message.pointee
        let traceIDBytes = binary(span.trace_id)
        let spanIDBytes = binary(span.span_id)
        let parentBytes = binary(span.parent_span_id)
        try #require(traceIDBytes.count == 16)
        try #require(spanIDBytes.count == 8)
        try #require(parentBytes.isEmpty || parentBytes.count == 8)
        #expect(span.n_links == 0)
        #expect(span.dropped_links_count == 0)

        let traceState = string(span.trace_state)
        let status: OTLP.SpanStatus
        if let statusMessage = span.status {
            let code = try #require(OTLP.SpanStatus.Code(rawValue: Int32(statusMessage.pointee.code.rawValue)))
            status = OTLP.SpanStatus(code: code, message: string(statusMessage.pointee.message))
        } else {
            status = .unset
        }
        let events = try messages(span.events, count: span.n_events).map { event in
            #expect(event.pointee.dropped_attributes_count == 0)
            return OTLP.SpanEvent(
                name: string(event.pointee.name), timeUnixNano: event.pointee.time_unix_nano,
                attributes: try attributes(event.pointee.attributes, event.pointee.n_attributes))
        }
        return OTLP.Span(
            traceID: OTLP.TraceID(high: bigEndianUInt64(traceIDBytes[0..<8]), low: bigEndianUInt64(traceIDBytes[8..<16])),
            spanID: OTLP.SpanID(bigEndianUInt64(spanIDBytes[...])),
            parentSpanID: parentBytes.isEmpty ? nil : OTLP.SpanID(bigEndianUInt64(parentBytes[...])),
            traceState: traceState.isEmpty ? nil : traceState,
            name: string(span.name),
            kind: try #require(OTLP.SpanKind(rawValue: Int32(span.kind.rawValue))),
            startTimeUnixNano: span.start_time_unix_nano,
            endTimeUnixNano: span.end_time_unix_nano,
            attributes: try attributes(span.attributes, span.n_attributes),
            droppedAttributesCount: span.dropped_attributes_count,
            events: events,
            droppedEventsCount: span.dropped_events_count,
            status: status,
            flags: span.flags
        )
    }

    private static func attributes(
        _ list: UnsafeMutablePointer<UnsafeMutablePointer<PBKeyValue>?>?, _ count: Int
    ) throws -> [OTLP.Attribute] {
        try messages(list, count: count).map { pair in
            let value = try #require(pair.pointee.value)
            return OTLP.Attribute(string(pair.pointee.key), try attributeValue(value))
        }
    }

    private static func attributeValue(_ message: UnsafeMutablePointer<PBAnyValue>) throws -> OTLP.AttributeValue {
        let value = message.pointee
        switch value.value_case {
        case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE:
            return .string(string(value.string_value))
        case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_BOOL_VALUE:
            return .bool(value.bool_value != 0)
        case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_INT_VALUE:
            return .int(value.int_value)
        case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_DOUBLE_VALUE:
            return .double(value.double_value)
        case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_ARRAY_VALUE:
            let array = try #require(value.array_value)
            return .stringArray(
                try messages(array.pointee.values, count: array.pointee.n_values).map { element in
                    try #require(element.pointee.value_case == OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE)
                    return string(element.pointee.string_value)
                })
        default:
            throw DecodeFailure(description: "unexpected AnyValue case \(value.value_case.rawValue)")
        }
    }
}
