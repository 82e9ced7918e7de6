package aws

import (
	"context"
	"errors"
	"maps"
	"net/url"
	"slices"
	"strings"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"cloudcontrol/backend/cloud"
)

// iamWhere names IAM in messages where a region would go: it is global.
const iamWhere = "IAM"

// Roles is cloud.Roles on IAM.
type Roles struct {
	s      *Session
	client *iam.Client
}

var _ cloud.Roles = (*Roles)(nil)

func (r *Roles) iamError(action, kind, name string, err error) error {
	return r.s.callError(iamWhere, "iam", action, err, kind, []string{name}, "NoSuchEntity")
}

// policyText undoes the URL-encoding IAM returns policy documents in.
func policyText(s *string) string {
	v := sdkaws.ToString(s)
	if strings.HasPrefix(v, "%") || strings.Contains(v, "%22") {
		if d, err := url.PathUnescape(v); err == nil {
			return d
		}
	}
	return v
}

// GetRole reads the role and every inline policy of it.
func (r *Roles) GetRole(ctx context.Context, name string) (*cloud.Role, error) {
	ctx, cancel := bounded(ctx)
	defer cancel()
	out, err := r.client.GetRole(ctx, &iam.GetRoleInput{RoleName: sdkaws.String(name)})
	if err != nil {
		return nil, r.iamError("GetRole", "IAM role", name, err)
	}
	role := roleOf(out.Role)
	names, err := r.policyNames(ctx, name)
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		p, err := r.client.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: sdkaws.String(name), PolicyName: sdkaws.String(n)})
		if err != nil {
			return nil, r.iamError("GetRolePolicy", "IAM role policy", name+"/"+n, err)
		}
		if role.Policies == nil {
			role.Policies = map[string]string{}
		}
		role.Policies[n] = policyText(p.PolicyDocument)
	}
	return role, nil
}

func roleOf(x *iamtypes.Role) *cloud.Role {
	role := &cloud.Role{Name: sdkaws.ToString(x.RoleName), ARN: sdkaws.ToString(x.Arn), TrustPolicy: policyText(x.AssumeRolePolicyDocument)}
	if len(x.Tags) > 0 {
		role.Tags = map[string]string{}
		for _, t := range x.Tags {
			role.Tags[sdkaws.ToString(t.Key)] = sdkaws.ToString(t.Value)
		}
	}
	return role
}

func (r *Roles) policyNames(ctx context.Context, role string) ([]string, error) {
	var names []string
	p := iam.NewListRolePoliciesPaginator(r.client, &iam.ListRolePoliciesInput{RoleName: sdkaws.String(role)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, r.iamError("ListRolePolicies", "IAM role", role, err)
		}
		names = append(names, page.PolicyNames...)
	}
	slices.Sort(names)
	return names, nil
}

// CreateRole creates the role, then puts its inline policies; should one
// be refused, it deletes what it made.
func (r *Roles) CreateRole(ctx context.Context, role cloud.Role) (*cloud.Role, error) {
	ctx, cancel := bounded(ctx)
	defer cancel()
	in := &iam.CreateRoleInput{RoleName: sdkaws.String(role.Name), AssumeRolePolicyDocument: sdkaws.String(role.TrustPolicy)}
	for _, k := range slices.Sorted(maps.Keys(role.Tags)) {
		in.Tags = append(in.Tags, iamtypes.Tag{Key: sdkaws.String(k), Value: sdkaws.String(role.Tags[k])})
	}
	out, err := r.client.CreateRole(ctx, in)
	if err != nil {
		return nil, r.iamError("CreateRole", "IAM role", role.Name, err)
	}
	made := roleOf(out.Role)
	if made.Tags == nil && len(role.Tags) > 0 {
		made.Tags = maps.Clone(role.Tags)
	}
	for _, n := range slices.Sorted(maps.Keys(role.Policies)) {
		if err := r.put(ctx, role.Name, n, role.Policies[n]); err != nil {
			// A role without its policy is half made: take it back. The
			// caller's context may be what ended, so the clean-up has its own.
			clean, stop := bounded(context.WithoutCancel(ctx))
			defer stop()
			if derr := r.deleteRole(clean, role.Name); derr != nil {
				return nil, errors.Join(err, derr)
			}
			return nil, err
		}
		if made.Policies == nil {
			made.Policies = map[string]string{}
		}
		made.Policies[n] = role.Policies[n]
	}
	return made, nil
}

// PutRolePolicy adds or replaces one inline policy.
func (r *Roles) PutRolePolicy(ctx context.Context, role, name, document string) error {
	ctx, cancel := bounded(ctx)
	defer cancel()
	return r.put(ctx, role, name, document)
}

func (r *Roles) put(ctx context.Context, role, name, document string) error {
	_, err := r.client.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: sdkaws.String(role), PolicyName: sdkaws.String(name),
		PolicyDocument: sdkaws.String(document)})
	if err != nil {
		return r.iamError("PutRolePolicy", "IAM role", role, err)
	}
	return nil
}

// DeleteRolePolicy deletes one inline policy.
func (r *Roles) DeleteRolePolicy(ctx context.Context, role, name string) error {
	ctx, cancel := bounded(ctx)
	defer cancel()
	if _, err := r.client.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: sdkaws.String(role), PolicyName: sdkaws.String(name)}); err != nil {
		return r.iamError("DeleteRolePolicy", "IAM role policy", role+"/"+name, err)
	}
	return nil
}

// DeleteRole deletes the role's inline policies, then the role.
func (r *Roles) DeleteRole(ctx context.Context, name string) error {
	ctx, cancel := bounded(ctx)
	defer cancel()
	return r.deleteRole(ctx, name)
}

func (r *Roles) deleteRole(ctx context.Context, name string) error {
	names, err := r.policyNames(ctx, name)
	if err != nil {
		return err
	}
	for _, n := range names {
		if _, err := r.client.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: sdkaws.String(name), PolicyName: sdkaws.String(n)}); err != nil {
			return r.iamError("DeleteRolePolicy", "IAM role policy", name+"/"+n, err)
		}
	}
	if _, err := r.client.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: sdkaws.String(name)}); err != nil {
		return r.iamError("DeleteRole", "IAM role", name, err)
	}
	return nil
}
