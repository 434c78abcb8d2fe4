package store

// EventColumns are the columns of lease_events in the order EventRow
// writes them: for tools (and benchmarks) that COPY events themselves.
func EventColumns() []string { return append([]string(nil), eventColumns...) }

// EventRow is e as a row of lease_events, in EventColumns order.
func EventRow(e *ChainEvent) []any { return eventRow(e, nil) }

// MaxBacklog is how many events DeferChainEvents lets wait before their
// leases move.
const MaxBacklog = maxBacklog
