package cloudtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"strconv"
	"sync"

	"github.com/jonboulle/clockwork"

	"cloudcontrol/backend/cloud"
)

// Documents is an in-memory SSM document store with Automation
// (cloud.Documents). It keeps every version as SSM does: CreateDocument
// makes version 1 the default, UpdateDocument adds a version that is not
// the default until SetDefaultVersion, and an update with the latest
// version's very content is refused (DuplicateDocumentContent).
// StartAutomation records the execution and hands it to OnStart.
type Documents struct {
	recorder

	mu    sync.Mutex
	clock clockwork.Clock
	docs  map[string]*document // region + "/" + name
	runs  map[string]*cloud.AutomationRun
	order []string
	// OnStart, when set, is told of every execution started (a test runs
	// the runbook's effect with it); its error fails StartAutomation.
	OnStart func(region, name string, params map[string][]string) error
}

type document struct {
	versions []string // content; version n is versions[n-1]
	def      int
	tags     map[string]string
}

// NewDocuments is an empty document store on clock.
func NewDocuments(clock clockwork.Clock) *Documents {
	return &Documents{clock: clock, docs: map[string]*document{}, runs: map[string]*cloud.AutomationRun{}}
}

func docKey(region, name string) string { return region + "/" + name }

// doc is the named document, or ErrNotFound. Called with s.mu held.
func (s *Documents) doc(region, name string) (*document, error) {
	d := s.docs[docKey(region, name)]
	if d == nil {
		return nil, fmt.Errorf("document %s: %w", name, cloud.ErrNotFound)
	}
	return d, nil
}

func hashOf(content string) string {
	h := sha256.Sum256([]byte(content))
	return hex.EncodeToString(h[:])
}

func (d *document) at(name string, v int) *cloud.Document {
	return &cloud.Document{Name: name, Content: d.versions[v-1], Version: strconv.Itoa(v), DefaultVersion: strconv.Itoa(d.def),
		LatestVersion: strconv.Itoa(len(d.versions)), Hash: hashOf(d.versions[v-1]), Tags: maps.Clone(d.tags)}
}

// GetDocument returns the default version.
func (s *Documents) GetDocument(ctx context.Context, region, name string) (*cloud.Document, error) {
	if err := s.begin("GetDocument", region, s.clock.Now(), name); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.doc(region, name)
	if err != nil {
		return nil, err
	}
	return d.at(name, d.def), nil
}

// CreateDocument makes version 1, the default.
func (s *Documents) CreateDocument(ctx context.Context, region string, doc cloud.Document) (*cloud.Document, error) {
	if err := s.begin("CreateDocument", region, s.clock.Now(), doc.Name); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.docs[docKey(region, doc.Name)] != nil {
		return nil, &APIError{Code: "DocumentAlreadyExists", Message: "The specified document already exists."}
	}
	d := &document{versions: []string{doc.Content}, def: 1, tags: maps.Clone(doc.Tags)}
	s.docs[docKey(region, doc.Name)] = d
	return d.at(doc.Name, 1), nil
}

// UpdateDocument adds a version (not the default).
func (s *Documents) UpdateDocument(ctx context.Context, region, name, content string) (*cloud.Document, error) {
	if err := s.begin("UpdateDocument", region, s.clock.Now(), name); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.doc(region, name)
	if err != nil {
		return nil, err
	}
	if d.versions[len(d.versions)-1] == content {
		return nil, &APIError{Code: "DuplicateDocumentContent", Message: "The content of the association document matches another document."}
	}
	d.versions = append(d.versions, content)
	return d.at(name, len(d.versions)), nil
}

// SetDefaultVersion makes an existing version the default.
func (s *Documents) SetDefaultVersion(ctx context.Context, region, name, version string) error {
	if err := s.begin("SetDefaultVersion", region, s.clock.Now(), name, version); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.doc(region, name)
	if err != nil {
		return err
	}
	v, err := strconv.Atoi(version)
	if err != nil || v < 1 || v > len(d.versions) {
		return &APIError{Code: "InvalidDocumentVersion", Message: "The document version is not valid or does not exist."}
	}
	d.def = v
	return nil
}

// DeleteDocument deletes every version.
func (s *Documents) DeleteDocument(ctx context.Context, region, name string) error {
	if err := s.begin("DeleteDocument", region, s.clock.Now(), name); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.doc(region, name); err != nil {
		return err
	}
	delete(s.docs, docKey(region, name))
	return nil
}

// StartAutomation records an execution of the default version.
func (s *Documents) StartAutomation(ctx context.Context, region, name string, params map[string][]string) (string, error) {
	if err := s.begin("StartAutomation", region, s.clock.Now(), name); err != nil {
		return "", err
	}
	s.mu.Lock()
	if s.docs[docKey(region, name)] == nil {
		s.mu.Unlock()
		return "", &APIError{Code: "AutomationDefinitionNotFoundException", Message: "Automation definition " + name + " not found."}
	}
	id := fmt.Sprintf("exec-%d", len(s.order)+1)
	s.runs[id] = &cloud.AutomationRun{ID: id, Document: name, Status: cloud.AutomationSuccess, Started: s.clock.Now(), Ended: s.clock.Now()}
	s.order = append(s.order, id)
	hook := s.OnStart
	s.mu.Unlock()
	if hook != nil {
		if err := hook(region, name, params); err != nil {
			return "", err
		}
	}
	return id, nil
}

// Automation returns an execution.
func (s *Documents) Automation(ctx context.Context, region, id string) (*cloud.AutomationRun, error) {
	if err := s.begin("Automation", region, s.clock.Now(), id); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.runs[id]
	if !ok {
		return nil, fmt.Errorf("automation execution %s: %w", id, cloud.ErrNotFound)
	}
	c := *r
	return &c, nil
}

// Edit changes a document by hand, as someone in the console would: a new
// version, made the default.
func (s *Documents) Edit(region, name, content string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.docs[docKey(region, name)]
	d.versions = append(d.versions, content)
	d.def = len(d.versions)
}

// Names lists the documents of region.
func (s *Documents) Names(region string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return namesIn(s.docs, region)
}

// Executions lists the documents of every execution started, in order.
func (s *Documents) Executions() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, len(s.order))
	for i, id := range s.order {
		out[i] = s.runs[id].Document
	}
	return out
}
