import CZlib

/// Decompresses a gzip input as it is read (several concatenated gzip members, as `cat a.gz b.gz` makes, read as
/// one stream), so a compressed archive is matched without unpacking it first.
public final class GzipByteSource: ByteSource {
    private let source: any ByteSource
    private let name: String
    private var stream = z_stream()
    private var input: UnsafeMutableRawBufferPointer
    private var initialised = false
    private var sourceEnded = false
    /// A member ended; the next bytes, if any, start another one.
    private var memberEnded = false

    public init(_ source: any ByteSource, name: String, chunkBytes: Int = 256 << 10) throws(ArticleError) {
        self.source = source
        self.name = name
        input = .allocate(byteCount: chunkBytes, alignment: 1)
        guard herald_inflate_init_gzip(&stream) == Z_OK else {
            input.deallocate()
            throw ArticleError("bad_gzip", "\(name): cannot start gzip decompression")
        }
        initialised = true
    }

    deinit {
        if initialised { inflateEnd(&stream) }
        input.deallocate()
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(ArticleError) -> Int {
        guard let output = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            if stream.avail_in == 0, !sourceEnded {
                let count = try source.read(into: input)
                if count == 0 {
                    sourceEnded = true
                } else {
                    stream.next_in = input.baseAddress?.assumingMemoryBound(to: Bytef.self)
                    stream.avail_in = uInt(count)
                }
            }
            if stream.avail_in == 0, sourceEnded {
                guard memberEnded else { throw ArticleError("bad_gzip", "\(name): the gzip data ends early (truncated file?)") }
                return 0
            }
            if memberEnded {
                // More bytes after a complete member: another member follows.
                guard inflateReset(&stream) == Z_OK else { throw ArticleError("bad_gzip", "\(name): corrupt gzip data") }
                memberEnded = false
            }
            stream.next_out = output.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(buffer.count)
            let status = inflate(&stream, Z_NO_FLUSH)
            let produced = buffer.count - Int(stream.avail_out)
            switch status {
            case Z_STREAM_END:
                memberEnded = true
            case Z_OK, Z_BUF_ERROR:
                break
            default:
                let detail = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                throw ArticleError("bad_gzip", "\(name): corrupt gzip data (\(detail))")
            }
            if produced > 0 { return produced }
        }
    }
}
