package lease

import (
	"errors"
	"fmt"
)

// State is where a lease is in its life. The values are the escrow
// contract's.
type State uint8

// Lease states.
const (
	// StateNone: no lease has this ID (the bid was never used).
	StateNone State = iota
	// StateOpen: the deposit is in escrow; the provider has not started.
	StateOpen
	// StateRunning: the provider started; billing runs by the second.
	StateRunning
	// StateClosed: the provider or tenant closed it; settled.
	StateClosed
	// StateOverdrawn: the deposit ran out and someone closed it; settled.
	StateOverdrawn
	// StateReclaimed: the provider never started; the tenant took the
	// deposit back.
	StateReclaimed
	// StateReported: a replica's provider closed it with its result
	// digest; what it earned is held until its group settles.
	StateReported
)

var stateNames = [...]string{"none", "open", "running", "closed", "overdrawn", "reclaimed", "reported"}

func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("state(%d)", uint8(s))
}

// Live reports whether the lease still holds money in escrow (open,
// running, or reported and held for its group).
func (s State) Live() bool { return s == StateOpen || s == StateRunning || s == StateReported }

// Final reports whether the lease is settled and can never change again.
func (s State) Final() bool { return s == StateClosed || s == StateOverdrawn || s == StateReclaimed }

// Action is a call on the escrow that moves a lease.
type Action uint8

// Actions, one per escrow call (and per event it emits).
const (
	ActionOpen           Action = iota + 1 // openLease; event LeaseOpened
	ActionStart                            // start; Started
	ActionWithdraw                         // withdraw; Withdrawn
	ActionTopUp                            // topUp; ToppedUp
	ActionClose                            // close; Closed
	ActionCloseOverdrawn                   // closeOverdrawn; Overdrawn
	ActionReclaim                          // reclaim; Reclaimed
	ActionReport                           // close of a replica by its provider; Reported
	ActionSettle                           // settle of a replica's group; ReplicaSettled
)

var actionNames = [...]string{"", "open", "start", "withdraw", "top up", "close", "close overdrawn", "reclaim", "report", "settle"}

func (a Action) String() string {
	if a > 0 && int(a) < len(actionNames) {
		return actionNames[a]
	}
	return fmt.Sprintf("action(%d)", uint8(a))
}

// Role is who calls.
type Role uint8

// Roles.
const (
	RoleAnyone Role = iota
	RoleTenant
	RoleProvider
)

func (r Role) String() string {
	switch r {
	case RoleTenant:
		return "tenant"
	case RoleProvider:
		return "provider"
	default:
		return "anyone"
	}
}

// ErrIllegalTransition reports an action the lease's state does not allow.
var ErrIllegalTransition = errors.New("illegal lease transition")

// ErrNotAllowed reports a caller whose role may not take an action.
var ErrNotAllowed = errors.New("caller may not do this")

// rule is one legal transition: in state from, action leads to state to and
// may be taken by the roles listed.
type rule struct {
	from, to State
	by       []Role
}

// rules is the lease state machine, exactly as the escrow contract enforces
// it (time and money conditions aside: the start deadline, what has accrued).
var rules = map[Action][]rule{
	ActionOpen:           {{from: StateNone, to: StateOpen, by: []Role{RoleTenant}}},
	ActionStart:          {{from: StateOpen, to: StateRunning, by: []Role{RoleProvider}}},
	ActionWithdraw:       {{from: StateRunning, to: StateRunning, by: []Role{RoleProvider}}},
	ActionTopUp:          {{from: StateOpen, to: StateOpen, by: []Role{RoleTenant}}, {from: StateRunning, to: StateRunning, by: []Role{RoleTenant}}},
	ActionClose:          {{from: StateOpen, to: StateClosed, by: []Role{RoleTenant, RoleProvider}}, {from: StateRunning, to: StateClosed, by: []Role{RoleTenant, RoleProvider}}},
	ActionCloseOverdrawn: {{from: StateRunning, to: StateOverdrawn, by: []Role{RoleAnyone, RoleTenant, RoleProvider}}},
	ActionReclaim:        {{from: StateOpen, to: StateReclaimed, by: []Role{RoleTenant}}},
	ActionReport:         {{from: StateRunning, to: StateReported, by: []Role{RoleProvider}}},
	// A group's settlement closes its reported replicas and the running
	// ones that never reported (an open one it reclaims: ActionReclaim).
	ActionSettle: {{from: StateReported, to: StateClosed, by: []Role{RoleAnyone}}, {from: StateRunning, to: StateClosed, by: []Role{RoleAnyone}}},
}

// Next returns the state a lease in state s reaches by action a, or
// ErrIllegalTransition. Indexers apply events with it.
func Next(s State, a Action) (State, error) {
	for _, r := range rules[a] {
		if r.from == s {
			return r.to, nil
		}
	}
	return s, fmt.Errorf("%w: cannot %s a lease that is %s", ErrIllegalTransition, a, s)
}

// Check reports whether a caller with any of roles may take action a on a
// lease in state s: ErrIllegalTransition when the state forbids it,
// ErrNotAllowed when the state allows it but not for these roles.
func Check(s State, a Action, roles ...Role) error {
	if _, err := Next(s, a); err != nil {
		return err
	}
	for _, r := range rules[a] {
		if r.from != s {
			continue
		}
		for _, want := range r.by {
			if want == RoleAnyone {
				return nil
			}
			for _, have := range roles {
				if have == want {
					return nil
				}
			}
		}
		return fmt.Errorf("%w: only the %s may %s a lease", ErrNotAllowed, rolesText(r.by), a)
	}
	return nil
}

func rolesText(rs []Role) string {
	switch len(rs) {
	case 1:
		return rs[0].String()
	case 2:
		return rs[0].String() + " or " + rs[1].String()
	}
	return "parties"
}
