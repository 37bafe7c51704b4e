import CSinkZlib

/// Inflates `Content-Encoding: gzip` request bodies with zlib into one reused buffer.
final class GzipInflater {
    private var output: UnsafeMutableRawBufferPointer
    private let limit: Int

    init(limit: Int = 1 << 30) {
        self.limit = limit
        output = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
    }

    deinit { output.deallocate() }

    /// The inflated bytes (valid until the next call), or `nil` when the input is not gzip/zlib
    /// data or inflates past the limit.
    func inflate(_ input: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        guard let inputBase = input.baseAddress else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        var stream = z_stream()
        guard csinkzlib_inflate_init2(&stream, 15 + 32) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        stream.next_in = UnsafeMutablePointer(mutating: inputBase.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(input.count)
        var produced = 0
        while true {
            if produced == output.count {
                guard output.count < limit else { return nil }
                let grown = UnsafeMutableRawBufferPointer.allocate(byteCount: min(limit, output.count * 2), alignment: 16)
                if let source = output.baseAddress { grown.baseAddress?.copyMemory(from: source, byteCount: produced) }
                output.deallocate()
                output = grown
            }
            guard let base = output.baseAddress else { return nil }
            stream.next_out = (base + produced).assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(output.count - produced)
            let status = CSinkZlib.inflate(&stream, Z_NO_FLUSH)
            produced = output.count - Int(stream.avail_out)
            if status == Z_STREAM_END { return UnsafeRawBufferPointer(rebasing: output[..<produced]) }
            guard status == Z_OK || (status == Z_BUF_ERROR && stream.avail_out == 0) else { return nil }
            if stream.avail_in == 0 && stream.avail_out > 0 { return nil }  // truncated input
        }
    }
}
