import HeraldCore
import HeraldProtocol
import NIOCore

/// Encodes the lines the server sends: each exactly one JSON object with a `type`, followed by `\n`.
///
/// Keys are written in a fixed order (`type` first, then `command` or `code`, then details, `ref` last) so a
/// transcript reads the same every time and `grep` works as well as `jq`.
enum ServerMessage {
    /// The protocol version announced in `hello`; bumped on any incompatible change to the line format.
    static let protocolVersion = 1

    /// Builds one line from the fields `body` writes after `"type"`.
    static func line(type: String, ref: String? = nil, _ body: (inout JSONWriter) -> Void = { _ in }) -> ByteBuffer {
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        writer.string("type", type)
        body(&writer)
        if let ref { writer.string("ref", ref) }
        writer.endObject()
        var buffer = ByteBuffer()
        buffer.reserveCapacity(writer.bytes.count + 1)
        buffer.writeBytes(writer.bytes)
        buffer.writeInteger(UInt8(ascii: "\n"))
        return buffer
    }

    /// An `ok` reply: `command` is the verb being acknowledged, `body` what it did.
    static func ok(_ command: String, ref: String?, _ body: (inout JSONWriter) -> Void = { _ in }) -> ByteBuffer {
        line(type: "ok", ref: ref) { writer in
            writer.string("command", command)
            body(&writer)
        }
    }

    /// An `error` line.
    static func error(_ error: ProtocolError, command: String? = nil, ref: String? = nil) -> ByteBuffer {
        line(type: "error", ref: ref) { writer in
            writer.string("code", error.code.rawValue)
            writer.string("message", error.message)
            writer.optionalString("command", command)
            writer.optionalString("suggestion", error.suggestion)
            writer.optionalString("reason", error.reason)
            if let retry = error.retryAfterMilliseconds { writer.int("retry_after_ms", retry) }
        }
    }

    /// The `hello` greeting sent once the TLS handshake completes.
    static func hello(
        server: String, node: String? = nil, version: String, connection: UInt64, roles: [String], client: String?,
        maximumLineBytes: Int
    ) -> ByteBuffer {
        line(type: "hello") { writer in
            writer.string("server", server)
            writer.optionalString("node", node)
            writer.string("version", version)
            writer.int("protocol", protocolVersion)
            writer.uint("connection", connection)
            writer.beginArray("roles")
            for role in roles { writer.string(nil, role) }
            writer.endArray()
            writer.optionalString("client", client)
            writer.int("max_line_bytes", maximumLineBytes)
            writer.string("help", "send HELP for the command list")
        }
    }

    /// The answer to `PING`.
    static func pong(token: String?, ref: String?) -> ByteBuffer {
        line(type: "pong", ref: ref) { writer in
            writer.optionalString("token", token)
        }
    }

    /// Sent to a subscribed connection every heartbeat interval, so its client can tell a quiet server from a
    /// dead one. Needs no answer.
    static func heartbeat(interval: TimeAmount) -> ByteBuffer {
        line(type: "heartbeat") { writer in
            writer.int("interval_ms", Int(interval.nanoseconds / 1_000_000))
        }
    }

    /// The last line before the server closes a connection in an orderly way.
    static func bye(reason: String, message: String, ref: String? = nil) -> ByteBuffer {
        line(type: "bye", ref: ref) { writer in
            writer.string("reason", reason)
            writer.string("message", message)
        }
    }

    /// An alert, encoded once and shared by every subscriber that receives it (a `ByteBuffer` copy shares storage).
    static func alert(_ alert: Alert) -> ByteBuffer {
        ByteBuffer(bytes: alert.jsonLineBytes())
    }
}
