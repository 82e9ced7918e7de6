package env

import "github.com/invopop/jsonschema"

// JSONSchemaExtend takes the launch section's patterns from the regular
// expressions Parse uses.
func (Launch) JSONSchemaExtend(s *jsonschema.Schema) {
	if p, ok := s.Properties.Get("subnet"); ok {
		p.Pattern = subnetRe.String()
	}
	if p, ok := s.Properties.Get("security-groups"); ok && p.Items != nil {
		p.Items.Pattern = groupRe.String()
	}
}

// JSONSchemaExtend gives a template's values the shapes Parse accepts.
func (Template) JSONSchemaExtend(s *jsonschema.Schema) {
	if p, ok := s.Properties.Get("name"); ok {
		p.Pattern = TemplateNameRe.String()
	}
	if p, ok := s.Properties.Get("ami"); ok {
		p.Pattern = `^(ami-([0-9a-f]{8}|[0-9a-f]{17})|resolve:ssm:/.+)$`
		p.Examples = []any{"ami-0123456789abcdef0", "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"}
	}
	if p, ok := s.Properties.Get("types"); ok && p.Items != nil {
		p.Items.Pattern = typeRe.String()
	}
	if p, ok := s.Properties.Get("tokens"); ok {
		p.PropertyNames = &jsonschema.Schema{Pattern: tokenNameRe.String()}
	}
}

// JSONSchemaExtend gives the device its pattern.
func (Volume) JSONSchemaExtend(s *jsonschema.Schema) {
	if p, ok := s.Properties.Get("device"); ok {
		p.Pattern = deviceRe.String()
	}
}

// JSONSchemaExtend gives the zone its pattern.
func (DNS) JSONSchemaExtend(s *jsonschema.Schema) {
	if p, ok := s.Properties.Get("zone"); ok {
		p.Pattern = zoneRe.String()
	}
}
