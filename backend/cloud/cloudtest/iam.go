package cloudtest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/jonboulle/clockwork"

	"cloudcontrol/backend/cloud"
)

// IAM is an in-memory IAM for roles and their inline policies
// (cloud.Roles), in one account. As IAM does, it refuses to create a role
// twice and to delete a role that still has inline policies.
type IAM struct {
	recorder

	mu      sync.Mutex
	clock   clockwork.Clock
	account string
	roles   map[string]*cloud.Role
}

// NewIAM is an IAM of account with no roles.
func NewIAM(clock clockwork.Clock, account string) *IAM {
	return &IAM{clock: clock, account: account, roles: map[string]*cloud.Role{}}
}

// ARN is the ARN a role of this name has.
func (s *IAM) ARN(name string) string { return "arn:aws:iam::" + s.account + ":role/" + name }

// role is the named role, or ErrNotFound. Called with s.mu held.
func (s *IAM) role(name string) (*cloud.Role, error) {
	r, ok := s.roles[name]
	if !ok {
		return nil, fmt.Errorf("role %s: %w", name, cloud.ErrNotFound)
	}
	return r, nil
}

func cloneRole(r *cloud.Role) *cloud.Role {
	c := *r
	c.Policies, c.Tags = maps.Clone(r.Policies), maps.Clone(r.Tags)
	return &c
}

// GetRole returns the role with its inline policies.
func (s *IAM) GetRole(ctx context.Context, name string) (*cloud.Role, error) {
	if err := s.begin("GetRole", "", s.clock.Now(), name); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.role(name)
	if err != nil {
		return nil, err
	}
	return cloneRole(r), nil
}

// CreateRole makes a role (its policies are put separately, as in IAM).
func (s *IAM) CreateRole(ctx context.Context, r cloud.Role) (*cloud.Role, error) {
	if err := s.begin("CreateRole", "", s.clock.Now(), r.Name); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.roles[r.Name]; ok {
		return nil, &APIError{Code: "EntityAlreadyExists", Message: "Role with name " + r.Name + " already exists."}
	}
	nr := &cloud.Role{Name: r.Name, ARN: s.ARN(r.Name), TrustPolicy: r.TrustPolicy, Policies: map[string]string{}, Tags: maps.Clone(r.Tags)}
	s.roles[r.Name] = nr
	return cloneRole(nr), nil
}

// PutRolePolicy sets (or replaces) an inline policy.
func (s *IAM) PutRolePolicy(ctx context.Context, role, name, document string) error {
	if err := s.begin("PutRolePolicy", "", s.clock.Now(), role, name); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.role(role)
	if err != nil {
		return err
	}
	r.Policies[name] = document
	return nil
}

// DeleteRolePolicy removes an inline policy.
func (s *IAM) DeleteRolePolicy(ctx context.Context, role, name string) error {
	if err := s.begin("DeleteRolePolicy", "", s.clock.Now(), role, name); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.role(role)
	if err != nil {
		return err
	}
	if _, ok := r.Policies[name]; !ok {
		return fmt.Errorf("policy %s of role %s: %w", name, role, cloud.ErrNotFound)
	}
	delete(r.Policies, name)
	return nil
}

// DeleteRole deletes a role without inline policies.
func (s *IAM) DeleteRole(ctx context.Context, name string) error {
	if err := s.begin("DeleteRole", "", s.clock.Now(), name); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.role(name)
	if err != nil {
		return err
	}
	if len(r.Policies) > 0 {
		return &APIError{Code: "DeleteConflict", Message: "Cannot delete entity, must delete policies first."}
	}
	delete(s.roles, name)
	return nil
}

// Put adds a role as someone else made it (no Cloud Control tags).
func (s *IAM) Put(r cloud.Role) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.ARN == "" {
		r.ARN = s.ARN(r.Name)
	}
	s.roles[r.Name] = cloneRole(&r)
}

// Names lists the roles.
func (s *IAM) Names() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Sorted(maps.Keys(s.roles))
}
