package control

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"cloudcontrol/backend/runbook"
)

// A deployed runbook is the exported one with one line added to its
// description: a fingerprint of the document without that line. A later
// deploy reads it back to tell a document only the environment file has
// changed since (Cloud Control wrote it: updated as a matter of course)
// from one someone edited in AWS (shown as such, overwritten only when
// confirmed). The fingerprint is over the document's data, not its bytes,
// so a store that reformats the YAML does not look like a hand edit.

const fingerprintLine = "Fingerprint (Cloud Control compares it to tell a change made in AWS): sha256:"

// deployContent is what a deploy writes for the runbook d.
func deployContent(d *runbook.Document) (string, error) {
	plain, err := d.Marshal()
	if err != nil {
		return "", err
	}
	sum, err := dataHash(plain)
	if err != nil {
		return "", err
	}
	c := *d
	c.Description = d.Description + "\n" + fingerprintLine + sum + "\n"
	out, err := c.Marshal()
	return string(out), err
}

// canonical is a YAML or JSON document's data as JSON with sorted keys.
func canonical(content []byte) ([]byte, error) {
	var v any
	if err := yaml.Unmarshal(content, &v); err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

func dataHash(content []byte) (string, error) {
	c, err := canonical(content)
	if err != nil {
		return "", fmt.Errorf("reading the runbook back: %w", err)
	}
	h := sha256.Sum256(c)
	return hex.EncodeToString(h[:]), nil
}

// sameData reports whether two documents hold the same data.
func sameData(a, b string) bool {
	ca, err1 := canonical([]byte(a))
	cb, err2 := canonical([]byte(b))
	return err1 == nil && err2 == nil && string(ca) == string(cb)
}

// pristine reports whether content is a document Cloud Control deployed,
// unchanged since: its fingerprint matches the rest of it.
func pristine(content string) bool {
	var m map[string]any
	if err := yaml.Unmarshal([]byte(content), &m); err != nil {
		return false
	}
	desc, _ := m["description"].(string)
	i := strings.LastIndex(desc, "\n"+fingerprintLine)
	if i < 0 {
		return false
	}
	want := strings.TrimSpace(desc[i+1+len(fingerprintLine):])
	m["description"] = desc[:i]
	plain, err := json.Marshal(m)
	if err != nil {
		return false
	}
	got, err := dataHash(plain)
	return err == nil && got == want
}

// DocumentDiff sums up how a deployed runbook differs from the new one.
type DocumentDiff struct {
	// Steps added, removed and changed, by step name.
	StepsAdded   []string `json:"stepsAdded,omitempty"`
	StepsRemoved []string `json:"stepsRemoved,omitempty"`
	StepsChanged []string `json:"stepsChanged,omitempty"`
	// Parts are the other top-level parts that differ (description, parameters...).
	Parts []string `json:"parts,omitempty"`
	// LinesAdded and LinesRemoved count lines only one side has.
	LinesAdded   int `json:"linesAdded"`
	LinesRemoved int `json:"linesRemoved"`
}

// String says it in a line: "steps changed: s02_api_gates; +3 -1 lines".
func (d DocumentDiff) String() string {
	var parts []string
	for _, p := range []struct {
		what string
		list []string
	}{{"steps added", d.StepsAdded}, {"steps removed", d.StepsRemoved}, {"steps changed", d.StepsChanged}, {"changed", d.Parts}} {
		if len(p.list) > 0 {
			parts = append(parts, p.what+": "+listOf(p.list, 5))
		}
	}
	parts = append(parts, fmt.Sprintf("+%d -%d lines", d.LinesAdded, d.LinesRemoved))
	return strings.Join(parts, "; ")
}

func listOf(items []string, most int) string {
	if len(items) <= most {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:most], ", ") + fmt.Sprintf(" and %d more", len(items)-most)
}

// diffDocuments compares the deployed content with the new one, leaving
// out the fingerprints (which differ whenever anything does).
func diffDocuments(old, next string) DocumentDiff {
	old, next = withoutFingerprint(old), withoutFingerprint(next)
	var d DocumentDiff
	var a, b map[string]any
	_ = yaml.Unmarshal([]byte(old), &a)
	_ = yaml.Unmarshal([]byte(next), &b)
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		if k != "mainSteps" && !reflect.DeepEqual(a[k], b[k]) {
			d.Parts = append(d.Parts, k)
		}
	}
	as, bs := stepsByName(a), stepsByName(b)
	for _, n := range orderOf(b) {
		if old, ok := as[n]; !ok {
			d.StepsAdded = append(d.StepsAdded, n)
		} else if !reflect.DeepEqual(old, bs[n]) {
			d.StepsChanged = append(d.StepsChanged, n)
		}
	}
	for _, n := range orderOf(a) {
		if _, ok := bs[n]; !ok {
			d.StepsRemoved = append(d.StepsRemoved, n)
		}
	}
	count := map[string]int{}
	for _, l := range strings.Split(old, "\n") {
		count[l]++
	}
	for _, l := range strings.Split(next, "\n") {
		if count[l] > 0 {
			count[l]--
		} else {
			d.LinesAdded++
		}
	}
	for _, n := range count {
		d.LinesRemoved += n
	}
	return d
}

func stepsByName(doc map[string]any) map[string]any {
	out := map[string]any{}
	steps, _ := doc["mainSteps"].([]any)
	for _, s := range steps {
		if m, ok := s.(map[string]any); ok {
			if n, ok := m["name"].(string); ok {
				out[n] = m
			}
		}
	}
	return out
}

func orderOf(doc map[string]any) []string {
	var out []string
	steps, _ := doc["mainSteps"].([]any)
	for _, s := range steps {
		if m, ok := s.(map[string]any); ok {
			if n, ok := m["name"].(string); ok {
				out = append(out, n)
			}
		}
	}
	return out
}

func withoutFingerprint(content string) string {
	lines := strings.Split(content, "\n")
	out := lines[:0]
	for _, l := range lines {
		if !strings.Contains(l, fingerprintLine) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
