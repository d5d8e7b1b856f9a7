package ui

import (
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/sanitize"
	"github.com/instruct-dev/instruct/internal/ui/timeline"
)

// This file is where outside text enters the screen: every string that
// comes from the cache or the sync engine is sanitised here, once, by the
// command that fetched it (off the UI goroutine, so that Update stays
// cheap with 100,000 rows), before its message reaches Update. The model
// only ever holds sanitised text.

// cleanItems sanitises queue rows in place.
func cleanItems(items []instruct.QueueItem) {
	for i := range items {
		it := &items[i]
		it.ID = sanitize.Line(it.ID)
		it.Definition = sanitize.Line(it.Definition)
		it.Title = sanitize.Line(it.Title)
		it.Organization = sanitize.Line(it.Organization)
	}
}

// cleanRequest returns r with every text sanitised.
func cleanRequest(r instruct.Request) instruct.Request {
	r.ID = sanitize.Line(r.ID)
	r.Definition = sanitize.Line(r.Definition)
	r.Title = sanitize.Line(r.Title)
	r.Description = sanitize.Text(r.Description)
	r.Organization = instruct.Organization{SIRET: sanitize.Line(r.Organization.SIRET),
		Name: sanitize.Line(r.Organization.Name), City: sanitize.Line(r.Organization.City)}
	r.Applicant = instruct.Person{Name: sanitize.Line(r.Applicant.Name), Email: sanitize.Line(r.Applicant.Email)}
	r.Contacts = cleanContacts(r.Contacts)
	r.LegalBasis = instruct.LegalBasis{Nature: sanitize.Text(r.LegalBasis.Nature),
		URL: sanitize.Line(r.LegalBasis.URL), Document: cleanPtr(r.LegalBasis.Document, sanitize.Line)}
	r.Scopes = cleanAll(r.Scopes)
	r.DataRecipients = sanitize.Text(r.DataRecipients)
	r.RetentionJustification = cleanPtr(r.RetentionJustification, sanitize.Text)
	r.Volumetry = sanitize.Line(r.Volumetry)
	r.ProductionDate = sanitize.Line(r.ProductionDate)
	return r
}

func cleanContacts(cs []instruct.Contact) []instruct.Contact {
	out := make([]instruct.Contact, len(cs))
	for i, c := range cs {
		out[i] = instruct.Contact{Role: sanitize.Line(c.Role), Name: sanitize.Line(c.Name),
			Email: sanitize.Line(c.Email), Phone: sanitize.Line(c.Phone), JobTitle: sanitize.Line(c.JobTitle)}
	}
	return out
}

func cleanPtr(s *string, clean func(string) string) *string {
	if s == nil {
		return nil
	}
	c := clean(*s)
	return &c
}

func cleanAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = sanitize.Line(s)
	}
	return out
}

// cleanEvents returns events with their texts sanitised and their diff
// values turned into sanitised one-line strings.
func cleanEvents(events []instruct.Event) []instruct.Event {
	out := make([]instruct.Event, len(events))
	for i, e := range events {
		e.RequestID = sanitize.Line(e.RequestID)
		e.Actor = instruct.Actor{ID: sanitize.Line(e.Actor.ID), Name: sanitize.Line(e.Actor.Name)}
		e.Comment = sanitize.Text(e.Comment)
		if e.Diff != nil {
			diff := make(instruct.Diff, len(e.Diff))
			for f, v := range e.Diff {
				diff[sanitize.Line(f)] = [2]any{sanitize.Line(timeline.Value(v[0])), sanitize.Line(timeline.Value(v[1]))}
			}
			e.Diff = diff
		}
		out[i] = e
	}
	return out
}

// cleanOp returns op with its texts and conflict sanitised.
func cleanOp(op instruct.Operation) instruct.Operation {
	op.Comment = sanitize.Text(op.Comment)
	op.Reason = sanitize.Text(op.Reason)
	if op.Conflict != nil {
		op.Conflict = &instruct.StaleError{Current: cleanRequest(op.Conflict.Current),
			EventsSince: cleanEvents(op.Conflict.EventsSince)}
	}
	return op
}

// cleanDefinition returns d with its texts sanitised.
func cleanDefinition(d instruct.Definition) instruct.Definition {
	d.ID, d.Name, d.Provider = sanitize.Line(d.ID), sanitize.Line(d.Name), sanitize.Line(d.Provider)
	d.Description = sanitize.Text(d.Description)
	scopes := make([]instruct.Scope, len(d.Scopes))
	for i, s := range d.Scopes {
		scopes[i] = instruct.Scope{ID: sanitize.Line(s.ID), Label: sanitize.Line(s.Label),
			Group: sanitize.Line(s.Group), Included: s.Included}
	}
	d.Scopes = scopes
	templates := make([]instruct.Template, len(d.Templates))
	for i, t := range d.Templates {
		templates[i] = instruct.Template{Kind: t.Kind, Title: sanitize.Line(t.Title), Body: sanitize.Text(t.Body)}
	}
	d.Templates = templates
	return d
}

// cleanUser returns u with its name and grants sanitised.
func cleanUser(u instruct.User) instruct.User {
	u.Name, u.Email = sanitize.Line(u.Name), sanitize.Line(u.Email)
	roles := make([]instruct.Grant, len(u.Roles))
	for i, g := range u.Roles {
		roles[i] = instruct.Grant{Definition: sanitize.Line(g.Definition), Role: g.Role}
	}
	u.Roles = roles
	return u
}
