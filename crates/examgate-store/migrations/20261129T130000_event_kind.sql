-- Events by kind (issue 9): the site server looks up the manual-verification requests naming a
-- photo on every photo download, to decide whether the asking chief examiner may see it. Without
-- the index that read scanned the whole log under the store's lock (41 ms median over 20,000
-- events, debug build); with it, it reads only the requests.
CREATE INDEX event_kind ON event (kind);
