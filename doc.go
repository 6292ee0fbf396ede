// Package incidentbot holds the domain of the incident bot: incidents, their
// timeline, roles and playbooks, the ad-campaign pause records, the error
// type, and the interfaces between the parts (IncidentService, Chat,
// AdPlatform, the stores, Clock). It imports only the standard library;
// every other package imports it.
package incidentbot
