// `import HyperPower` brings the whole stack: the optimiser's types and the numerical layers
// they are built on (GP models, acquisition functions, linear algebra).
@_exported import Acquisition
@_exported import GaussianProcess
@_exported import HardwareModels
@_exported import LinearAlgebra
@_exported import NumericalOptimization
// Loggers are swift-log's: a user sets the level of the optimiser's one line per trial.
@_exported import Logging
