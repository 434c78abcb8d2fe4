package lease_test

import (
	"errors"
	"testing"

	"github.com/tender-market/tender/pkg/lease"
)

func TestNext(t *testing.T) {
	states := []lease.State{lease.StateNone, lease.StateOpen, lease.StateRunning, lease.StateClosed, lease.StateOverdrawn, lease.StateReclaimed}
	actions := []lease.Action{lease.ActionOpen, lease.ActionStart, lease.ActionWithdraw, lease.ActionTopUp, lease.ActionClose, lease.ActionCloseOverdrawn, lease.ActionReclaim}
	type key struct {
		s lease.State
		a lease.Action
	}
	legal := map[key]lease.State{
		{lease.StateNone, lease.ActionOpen}:              lease.StateOpen,
		{lease.StateOpen, lease.ActionStart}:             lease.StateRunning,
		{lease.StateOpen, lease.ActionTopUp}:             lease.StateOpen,
		{lease.StateOpen, lease.ActionClose}:             lease.StateClosed,
		{lease.StateOpen, lease.ActionReclaim}:           lease.StateReclaimed,
		{lease.StateRunning, lease.ActionWithdraw}:       lease.StateRunning,
		{lease.StateRunning, lease.ActionTopUp}:          lease.StateRunning,
		{lease.StateRunning, lease.ActionClose}:          lease.StateClosed,
		{lease.StateRunning, lease.ActionCloseOverdrawn}: lease.StateOverdrawn,
	}
	for _, s := range states {
		for _, a := range actions {
			t.Run(s.String()+"/"+a.String(), func(t *testing.T) {
				got, err := lease.Next(s, a)
				want, ok := legal[key{s, a}]
				switch {
				case ok && (err != nil || got != want):
					t.Errorf("Next(%s, %s) = %s, %v; want %s", s, a, got, err, want)
				case !ok && !errors.Is(err, lease.ErrIllegalTransition):
					t.Errorf("Next(%s, %s) = %s, %v; want ErrIllegalTransition", s, a, got, err)
				}
			})
		}
	}
	for _, s := range states {
		if s.Final() && s.Live() {
			t.Errorf("%s is both final and live", s)
		}
		if s.Final() {
			for _, a := range actions {
				if _, err := lease.Next(s, a); err == nil {
					t.Errorf("final state %s allows %s", s, a)
				}
			}
		}
	}
}

func TestCheckRoles(t *testing.T) {
	tests := []struct {
		state  lease.State
		action lease.Action
		roles  []lease.Role
		want   error
	}{
		{lease.StateNone, lease.ActionOpen, []lease.Role{lease.RoleTenant}, nil},
		{lease.StateNone, lease.ActionOpen, []lease.Role{lease.RoleProvider}, lease.ErrNotAllowed},
		{lease.StateOpen, lease.ActionStart, []lease.Role{lease.RoleProvider}, nil},
		{lease.StateOpen, lease.ActionStart, []lease.Role{lease.RoleTenant}, lease.ErrNotAllowed},
		{lease.StateOpen, lease.ActionStart, nil, lease.ErrNotAllowed},
		{lease.StateRunning, lease.ActionWithdraw, []lease.Role{lease.RoleProvider}, nil},
		{lease.StateRunning, lease.ActionWithdraw, []lease.Role{lease.RoleTenant}, lease.ErrNotAllowed},
		{lease.StateRunning, lease.ActionTopUp, []lease.Role{lease.RoleTenant}, nil},
		{lease.StateRunning, lease.ActionTopUp, []lease.Role{lease.RoleProvider}, lease.ErrNotAllowed},
		{lease.StateRunning, lease.ActionClose, []lease.Role{lease.RoleTenant}, nil},
		{lease.StateRunning, lease.ActionClose, []lease.Role{lease.RoleProvider}, nil},
		{lease.StateRunning, lease.ActionClose, nil, lease.ErrNotAllowed},
		{lease.StateRunning, lease.ActionCloseOverdrawn, nil, nil},
		{lease.StateOpen, lease.ActionReclaim, []lease.Role{lease.RoleTenant}, nil},
		{lease.StateOpen, lease.ActionReclaim, []lease.Role{lease.RoleProvider}, lease.ErrNotAllowed},
		{lease.StateRunning, lease.ActionReclaim, []lease.Role{lease.RoleTenant}, lease.ErrIllegalTransition},
		{lease.StateClosed, lease.ActionClose, []lease.Role{lease.RoleTenant, lease.RoleProvider}, lease.ErrIllegalTransition},
		{lease.StateOpen, lease.ActionClose, []lease.Role{lease.RoleProvider, lease.RoleTenant}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.state.String()+"/"+tt.action.String(), func(t *testing.T) {
			err := lease.Check(tt.state, tt.action, tt.roles...)
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("Check(%s, %s, %v) = %v, want %v", tt.state, tt.action, tt.roles, err, tt.want)
			}
		})
	}
}

func TestEventActions(t *testing.T) {
	tests := []struct {
		kind lease.EventKind
		want lease.Action
	}{
		{lease.EventOpened, lease.ActionOpen},
		{lease.EventStarted, lease.ActionStart},
		{lease.EventWithdrawn, lease.ActionWithdraw},
		{lease.EventToppedUp, lease.ActionTopUp},
		{lease.EventClosed, lease.ActionClose},
		{lease.EventOverdrawn, lease.ActionCloseOverdrawn},
		{lease.EventReclaimed, lease.ActionReclaim},
		{lease.EventPaymentDeferred, 0},
		{lease.EventClaimed, 0},
	}
	for _, tt := range tests {
		if got := tt.kind.Action(); got != tt.want {
			t.Errorf("%s.Action() = %v, want %v", tt.kind, got, tt.want)
		}
	}
}
