#if canImport(Glibc)
import Glibc
private let systemRead = Glibc.read
#elseif canImport(Darwin)
import Darwin
private let systemRead = Darwin.read
#endif

/// Where an input's bytes come from, read in chunks so an input of any size costs a bounded buffer.
public protocol ByteSource: AnyObject {
    /// Reads up to `buffer.count` bytes; 0 at the end of the input.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(ArticleError) -> Int
}

/// A file, or standard input, read with `read(2)`.
public final class FileByteSource: ByteSource {
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private let name: String

    /// Opens `path` for reading; `-` is standard input.
    public init(path: String) throws(ArticleError) {
        name = path == "-" ? "<stdin>" : path
        if path == "-" {
            descriptor = 0
            ownsDescriptor = false
            return
        }
        let opened = open(path, O_RDONLY | O_CLOEXEC)
        guard opened >= 0 else {
            throw ArticleError("unreadable", "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        var status = stat()
        if fstat(opened, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR {
            close(opened)
            throw ArticleError("unreadable", "cannot read \(path): it is a folder")
        }
        descriptor = opened
        ownsDescriptor = true
    }

    deinit {
        if ownsDescriptor { close(descriptor) }
    }

    /// The file's size when it is a regular file (for progress), else `nil`.
    public var size: Int? {
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(status.st_size)
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(ArticleError) -> Int {
        while true {
            let count = systemRead(descriptor, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw ArticleError("unreadable", "cannot read \(name): \(String(cString: strerror(errno)))")
        }
    }
}
