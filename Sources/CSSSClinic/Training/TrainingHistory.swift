import CSSSEngine
import Foundation

/// One epoch of a training run, as `history.json` records it.
public struct EpochRecord: Codable, Sendable, Equatable {
    /// 1 for the first epoch.
    public var epoch: Int
    public var loss: Double
    public var accuracy: Double
    public var valLoss: Double
    public var valAccuracy: Double
    public var learningRate: Double
    /// How long the epoch took.
    public var seconds: Double

    public init(epoch: Int, loss: Double, accuracy: Double, valLoss: Double, valAccuracy: Double,
                learningRate: Double, seconds: Double) {
        self.epoch = epoch
        self.loss = loss
        self.accuracy = accuracy
        self.valLoss = valLoss
        self.valAccuracy = valAccuracy
        self.learningRate = learningRate
        self.seconds = seconds
    }

    /// Reads a record whose validation values may be `null` (a run without validation images).
    public init(from decoder: Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        epoch = try values.decode(Int.self, forKey: .epoch)
        loss = try values.decode(Double.self, forKey: .loss)
        accuracy = try values.decode(Double.self, forKey: .accuracy)
        valLoss = try values.decodeIfPresent(Double.self, forKey: .valLoss) ?? .nan
        valAccuracy = try values.decodeIfPresent(Double.self, forKey: .valAccuracy) ?? .nan
        learningRate = try values.decode(Double.self, forKey: .learningRate)
        seconds = try values.decode(Double.self, forKey: .seconds)
    }

    enum CodingKeys: String, CodingKey {
        case epoch, loss, accuracy
        case valLoss = "val_loss"
        case valAccuracy = "val_accuracy"
        case learningRate = "learning_rate"
        case seconds
    }
}

/// Why `history.json` could not be read or written; each case names the file.
public enum TrainingHistoryError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case invalid(path: String, reason: String)
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "\(path): the training history cannot be read: \(reason)"
        case .invalid(let path, let reason): "\(path): not a training history: \(reason)"
        case .cannotWrite(let path, let reason): "\(path): the training history cannot be written: \(reason)"
        }
    }
}

/// The per-epoch record of a training run, kept beside the model as `history.json`:
/// `{"epochs": [{"epoch", "loss", "accuracy", "val_loss", "val_accuracy", "learning_rate", "seconds"}]}`,
/// keys always in that order.
///
/// ```swift
/// let history = try TrainingHistory(contentsOf: URL(fileURLWithPath: "models/history.json"))
/// print(history.bestEpoch?.epoch ?? 0)
/// ```
public struct TrainingHistory: Codable, Sendable, Equatable {
    public var epochs: [EpochRecord]

    public init(epochs: [EpochRecord]) { self.epochs = epochs }

    /// Reads `history.json`.
    public init(contentsOf url: URL) throws(TrainingHistoryError) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw .unreadable(path: url.path, reason: error.localizedDescription)
        }
        do { self = try JSONDecoder().decode(TrainingHistory.self, from: data) } catch {
            throw .invalid(path: url.path, reason: "\(error)")
        }
    }

    /// The epoch with the lowest validation loss (the first, on a tie): the one a checkpoint on
    /// `val_loss` would have kept.
    public var bestEpoch: EpochRecord? {
        // Without validation values (NaN), the training loss is what a checkpoint watched.
        epochs.min { ($0.valLoss.isFinite ? $0.valLoss : $0.loss) < ($1.valLoss.isFinite ? $1.valLoss : $1.loss) }
    }

    /// The history as ordered JSON.
    public var json: JSONValue {
        .object([("epochs", .array(epochs.map { record in
            .object([
                ("epoch", .integer(record.epoch)), ("loss", .number(record.loss)), ("accuracy", .number(record.accuracy)),
                ("val_loss", .number(record.valLoss)), ("val_accuracy", .number(record.valAccuracy)),
                ("learning_rate", .number(record.learningRate)), ("seconds", .number(record.seconds)),
            ])
        }))])
    }

    /// Writes `history.json` whole or not at all.
    public func write(to url: URL) throws(TrainingHistoryError) {
        do { try Data((json.text + "\n").utf8).write(to: url, options: .atomic) } catch {
            throw .cannotWrite(path: url.path, reason: error.localizedDescription)
        }
    }
}

extension TrainingHistory {
    /// The history of a ``TransferLearning`` run; epochs without validation images have NaN there.
    public init(results: [EpochResult]) {
        self.init(epochs: results.map { result in
            EpochRecord(epoch: result.epoch, loss: result.loss, accuracy: result.accuracy,
                        valLoss: result.validationLoss ?? .nan, valAccuracy: result.validationAccuracy ?? .nan,
                        learningRate: Double(result.learningRate), seconds: result.seconds)
        })
    }
}
