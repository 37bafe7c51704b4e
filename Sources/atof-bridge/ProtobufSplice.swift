import ATOFBridge

/// Builds one binary `ExportTraceServiceRequest` for every span of a large input from requests
/// encoded batch by batch (in parallel), byte for byte what encoding all spans at once gives.
///
/// A request is `resource_spans` (field 1) holding one `ResourceSpans`: its `resource` (1), one
/// `scope_spans` (2) and possibly `schema_url` (3); the `ScopeSpans` holds `scope` (1), the
/// `spans` (2, one field each) and possibly `schema_url` (3). Each span's bytes depend on the
/// span alone, so the spans of the batches are concatenated and the two enclosing lengths
/// rewritten. Anything of another shape is refused (`nil`), and the caller encodes all at once.
struct ProtobufSplice {
    /// The parts of one batch's request around its spans.
    struct Frame: Equatable {
        /// `ResourceSpans` members before `scope_spans` (tag, length and value each).
        var resourcePrefix: ArraySlice<UInt8>
        /// `ResourceSpans` members after `scope_spans`.
        var resourceSuffix: ArraySlice<UInt8>
        /// `ScopeSpans` members before the spans.
        var scopePrefix: ArraySlice<UInt8>
        /// `ScopeSpans` members after the spans.
        var scopeSuffix: ArraySlice<UInt8>
    }

    private var frame: Frame?
    /// Every span field so far (tag, length and value each), in order.
    private(set) var spans: [UInt8] = []
    /// `false` once a batch did not have the expected shape.
    private(set) var isValid = true

    /// Adds one batch's encoded request (of at least one span).
    mutating func add(_ request: [UInt8]) {
        guard isValid else { return }
        guard let (batchFrame, spanRange) = Self.split(request) else {
            isValid = false
            return
        }
        if let frame {
            guard frame == batchFrame else {
                isValid = false
                return
            }
        } else {
            frame = batchFrame
            spans.reserveCapacity(spanRange.count * 64)
        }
        spans.append(contentsOf: request[spanRange])
    }

    /// The request's bytes before ``spans`` and after them; `nil` when no batch was added or one
    /// had another shape.
    func envelope() -> (head: [UInt8], tail: [UInt8])? {
        guard isValid, let frame else { return nil }
        let scopeLength = frame.scopePrefix.count + spans.count + frame.scopeSuffix.count
        var scopeHeader: [UInt8] = [0x12]
        ProtobufWire.appendVarint(UInt64(scopeLength), to: &scopeHeader)
        let resourceLength = frame.resourcePrefix.count + scopeHeader.count + scopeLength + frame.resourceSuffix.count
        var head: [UInt8] = [0x0A]
        ProtobufWire.appendVarint(UInt64(resourceLength), to: &head)
        head += frame.resourcePrefix
        head += scopeHeader
        head += frame.scopePrefix
        return (head, Array(frame.scopeSuffix) + Array(frame.resourceSuffix))
    }

    /// The frame of a request and where its span fields lie.
    static func split(_ request: [UInt8]) -> (Frame, Range<Int>)? {
        // The request: exactly one field, resource_spans.
        guard let outer = field(in: request, at: 0), outer.tag == 0x0A, outer.end == request.count else { return nil }
        // ResourceSpans: one scope_spans, other members around it.
        var position = outer.value.lowerBound
        var scopeSpans: (start: Int, value: Range<Int>)?
        var afterScope = outer.value.upperBound
        while position < outer.value.upperBound {
            guard let member = field(in: request, at: position), member.end <= outer.value.upperBound else { return nil }
            if member.tag == 0x12 {
                guard scopeSpans == nil else { return nil }
                scopeSpans = (position, member.value)
                afterScope = member.end
            }
            position = member.end
        }
        guard let scope = scopeSpans else { return nil }
        // ScopeSpans: the spans in one run, other members before or after it.
        position = scope.value.lowerBound
        var firstSpan: Int?
        var afterSpans: Int?
        while position < scope.value.upperBound {
            guard let member = field(in: request, at: position), member.end <= scope.value.upperBound else { return nil }
            if member.tag == 0x12 {
                if firstSpan == nil {
                    firstSpan = position
                } else if afterSpans != position {
                    return nil  // another member between spans
                }
                afterSpans = member.end
            }
            position = member.end
        }
        guard let spansStart = firstSpan, let spansEnd = afterSpans else { return nil }
        let frame = Frame(
            resourcePrefix: request[outer.value.lowerBound..<scope.start],
            resourceSuffix: request[afterScope..<outer.value.upperBound],
            scopePrefix: request[scope.value.lowerBound..<spansStart],
            scopeSuffix: request[spansEnd..<scope.value.upperBound])
        return (frame, spansStart..<spansEnd)
    }

    /// One field at `start`: its tag byte, its value range (length-delimited fields only) and
    /// where it ends; `nil` for other wire types, multi-byte tags or malformed lengths.
    private static func field(in bytes: [UInt8], at start: Int) -> (tag: UInt8, value: Range<Int>, end: Int)? {
        guard start < bytes.count else { return nil }
        let tag = bytes[start]
        guard tag & 0x80 == 0, tag & 0x07 == 2 else { return nil }
        var position = start + 1
        guard let length = ProtobufWire.readVarint(bytes, at: &position), length <= UInt64(bytes.count - position) else { return nil }
        let end = position + Int(length)
        return (tag, position..<end, end)
    }
}
