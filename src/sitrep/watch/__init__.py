"""Watching sources: a sources file (`sources`), a polite fetcher (`fetch`), feed and sitemap
listings (`feeds`), the rounds that queue and ingest new articles (`rounds`), and saved alerts
delivered after each round (`alerts`). Their state lives in the store (`sitrep.store.watch`)."""
