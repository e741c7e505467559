import ArgumentParser
import Foundation
import HeraldStore
import HeraldStorePostgres
import Logging

extension ServeCommand {
    /// Opens the alert log `herald serve` runs on: PostgreSQL when `[store] url` or `--store` names one (cluster
    /// mode), the embedded SQLite file in the data folder otherwise. A bad URL or a database that cannot be reached
    /// is one clear line on standard error and exit status 1, before anything listens.
    static func openStore(_ settings: ServerSettings, storePath: String, logger: Logger) async throws -> any AlertStore {
        guard let url = settings.storeURL else {
            let store: SQLiteAlertStore
            do {
                store = try SQLiteAlertStore(path: storePath)
            } catch {
                StandardStreams.error("herald serve: cannot open the alert log \(storePath): \(error)")
                throw ExitCode.failure
            }
            logger.info("alert log open", metadata: ["path": "\(storePath)", "schema": "\(SQLiteAlertStore.schemaVersion)"])
            if let migration = store.schemaMigration {
                logger.notice(
                    "alert log migrated to a newer schema",
                    metadata: ["path": "\(storePath)", "from": "\(migration.from)", "to": "\(migration.to)"])
            }
            return store
        }
        let configuration: PostgresStoreConfiguration
        do {
            configuration = try PostgresStoreConfiguration(url: url, passwordFile: settings.storePasswordFile)
        } catch {
            StandardStreams.error("herald serve: \(error)")
            throw ExitCode.failure
        }
        let store: PostgresAlertStore
        do {
            store = try await PostgresAlertStore(configuration: configuration, logger: logger)
        } catch {
            StandardStreams.error("herald serve: cannot open the alert log in PostgreSQL: \(error)")
            throw ExitCode.failure
        }
        logger.info(
            "alert log open",
            metadata: ["postgres": "\(configuration)", "schema": "\(PostgresAlertStore.schemaVersion)"])
        if let migration = store.schemaMigration {
            logger.notice(
                "alert log migrated to a newer schema",
                metadata: ["postgres": "\(configuration)", "from": "\(migration.from)", "to": "\(migration.to)"])
        }
        return store
    }
}

extension ServeCommand {
    /// A cluster node's name when none is given: this machine's name and the port it serves on (its process id
    /// when the port is picked at start).
    static func defaultNodeName(port: Int) -> String {
        let host = ProcessInfo.processInfo.hostName
        return port != 0 ? "\(host):\(port)" : "\(host)/\(ProcessInfo.processInfo.processIdentifier)"
    }
}
