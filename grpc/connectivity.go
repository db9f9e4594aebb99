package grpc

// ChannelConnectivity mirrors grpc.ChannelConnectivity: the states of a
// channel, in grpcio's order.
type ChannelConnectivity int

// Connectivity states.
const (
	Idle ChannelConnectivity = iota
	Connecting
	Ready
	TransientFailure
	Shutdown
)

// String is grpcio's lower-case name of the state (value[1]).
func (c ChannelConnectivity) String() string {
	switch c {
	case Idle:
		return "idle"
	case Connecting:
		return "connecting"
	case Ready:
		return "ready"
	case TransientFailure:
		return "transient failure"
	case Shutdown:
		return "shutdown"
	}
	return "unknown"
}
