// The profilers that produce the samples these models are fitted on.
@_exported import HardwareProfiling
