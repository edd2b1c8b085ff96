<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
  <context>
    <name>ActionTexts</name>
    <message>
      <source>&amp;Add tag to {target}…</source>
      <translation>Tag zu {target} &amp;hinzufügen…</translation>
    </message>
    <message>
      <source>&amp;Approve '{tag}' on {target}</source>
      <translation>„{tag}“ auf {target} &amp;bestätigen</translation>
    </message>
    <message>
      <source>&amp;Edit '{tag}' on {target}…</source>
      <translation>„{tag}“ auf {target} &amp;bearbeiten…</translation>
    </message>
    <message>
      <source>&amp;Reject '{tag}' on {target}</source>
      <translation>„{tag}“ auf {target} &amp;ablehnen</translation>
    </message>
    <message>
      <source>Approve '{tag}' on every photo &amp;scored ≥ {score}</source>
      <translation>„{tag}“ auf jedem Foto mit &amp;Wert ≥ {score} bestätigen</translation>
    </message>
    <message>
      <source>Approve all &amp;above {threshold} on {target}</source>
      <translation>Alle &amp;über {threshold} auf {target} bestätigen</translation>
    </message>
    <message>
      <source>Re&amp;move '{tag}' from {target}</source>
      <translation>„{tag}“ von {target} &amp;entfernen</translation>
    </message>
    <message>
      <source>Remo&amp;ve a tag from {target}…</source>
      <translation>Einen Tag von {target} ent&amp;fernen…</translation>
    </message>
    <message>
      <source>Tag &amp;{target} (suggest)</source>
      <translation>&amp;{target} taggen (Vorschläge)</translation>
    </message>
  </context>
  <context>
    <name>DetailController</name>
    <message>
      <source> · edits apply to the {n} selected photos</source>
      <translation> · Änderungen gelten für die {n} ausgewählten Fotos</translation>
    </message>
    <message>
      <source> · re-ranked suggestions come when you move on</source>
      <translation> · neu geordnete Vorschläge kommen, wenn Sie weitergehen</translation>
    </message>
    <message>
      <source>Approve {n} tags at or above {threshold} on {target}</source>
      <translation>{n} Tags ab {threshold} auf {target} bestätigen</translation>
    </message>
    <message>
      <source>Edit '{old}' to '{new}' on {target}</source>
      <translation>„{old}“ zu „{new}“ auf {target} ändern</translation>
    </message>
    <message>
      <source>Edit tag</source>
      <translation>Tag bearbeiten</translation>
    </message>
    <message>
      <source>Loading…</source>
      <translation>Wird geladen…</translation>
    </message>
    <message>
      <source>New name for '{name}' on {where}:</source>
      <translation>Neuer Name für „{name}“ auf {where}:</translation>
    </message>
    <message>
      <source>No photo selected</source>
      <translation>Kein Foto ausgewählt</translation>
    </message>
    <message>
      <source>This photo cannot be shown: {reason}</source>
      <translation>Dieses Foto kann nicht angezeigt werden: {reason}</translation>
    </message>
    <message>
      <source>{approved} approved · {sug} suggested ({passing} at or above {threshold:.2f}){extra}</source>
      <translation>{approved} bestätigt · {sug} vorgeschlagen ({passing} ab {threshold:.2f}){extra}</translation>
    </message>
  </context>
  <context>
    <name>DetailPanel</name>
    <message>
      <source>Add a tag (Ctrl+T)… use a|b for a hierarchy</source>
      <translation>Tag hinzufügen (Strg+T)… a|b für eine Hierarchie</translation>
    </message>
    <message>
      <source>Tags: approved (green), suggested with score (blue), rejected (struck out).
A approve · R reject · Enter approve all above threshold · Del remove · F2 edit</source>
      <translation>Tags: bestätigt (grün), vorgeschlagen mit Wert (blau), abgelehnt (durchgestrichen).
A bestätigen · R ablehnen · Enter alle über der Schwelle bestätigen · Entf entfernen · F2 bearbeiten</translation>
    </message>
    <message>
      <source>The caption the captioning model wrote for this photo</source>
      <translation>Die Bildbeschreibung, die das Beschreibungsmodell für dieses Foto geschrieben hat</translation>
    </message>
    <message>
      <source>Type a tag and press Enter: it is added, approved, to the selected photos</source>
      <translation>Tag eingeben und Enter drücken: er wird den ausgewählten Fotos bestätigt hinzugefügt</translation>
    </message>
  </context>
  <context>
    <name>DuplicatesDialog</name>
    <message numerus="yes">
      <source>%n photo(s) moved to %1 (Edit &gt; Undo puts them back)</source>
      <translation>
        <numerusform>%n Foto nach %1 verschoben (Bearbeiten &gt; Rückgängig holt es zurück)</numerusform>
        <numerusform>%n Fotos nach %1 verschoben (Bearbeiten &gt; Rückgängig holt sie zurück)</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n tag(s) merged onto the keeper</source>
      <translation>
        <numerusform>%n Tag auf das behaltene Foto übertragen</numerusform>
        <numerusform>%n Tags auf das behaltene Foto übertragen</numerusform>
      </translation>
    </message>
    <message>
      <source>&amp;Keep this one</source>
      <translation>Dieses &amp;behalten</translation>
    </message>
    <message>
      <source>&amp;Merge tags onto the keeper</source>
      <translation>Tags auf das behaltene Foto &amp;übertragen</translation>
    </message>
    <message>
      <source>Duplicates</source>
      <translation>Duplikate</translation>
    </message>
    <message>
      <source>Give the keeper every approved tag of the other photos in the group</source>
      <translation>Dem behaltenen Foto jeden bestätigten Tag der anderen Fotos der Gruppe geben</translation>
    </message>
    <message numerus="yes">
      <source>Group %1 — %n photo(s)</source>
      <translation>
        <numerusform>Gruppe %1 — %n Foto</numerusform>
        <numerusform>Gruppe %1 — %n Fotos</numerusform>
      </translation>
    </message>
    <message>
      <source>Lowest similarity of the photos in the group: %1</source>
      <translation>Geringste Ähnlichkeit der Fotos in der Gruppe: %1</translation>
    </message>
    <message>
      <source>Make the selected photo the one to keep in this group</source>
      <translation>Das ausgewählte Foto in dieser Gruppe behalten</translation>
    </message>
    <message>
      <source>Merging tags</source>
      <translation>Tags werden übertragen</translation>
    </message>
    <message>
      <source>Mo&amp;ve the others to a folder…</source>
      <translation>Die anderen in einen Ordner &amp;verschieben…</translation>
    </message>
    <message>
      <source>Move the other photos of the group out of the library (Edit &gt; Undo puts them back); nothing is deleted</source>
      <translation>Die anderen Fotos der Gruppe aus der Bibliothek verschieben (Bearbeiten &gt; Rückgängig holt sie zurück); nichts wird gelöscht</translation>
    </message>
    <message>
      <source>Move the other photos to which folder?</source>
      <translation>In welchen Ordner sollen die anderen Fotos?</translation>
    </message>
    <message>
      <source>Moving photos</source>
      <translation>Fotos werden verschoben</translation>
    </message>
    <message>
      <source>No near-duplicates found. Photos are compared by how they look (after tagging also by what they show).</source>
      <translation>Keine Beinahe-Duplikate gefunden. Fotos werden nach ihrem Aussehen verglichen (nach dem Taggen auch nach ihrem Inhalt).</translation>
    </message>
    <message>
      <source>Nothing was moved</source>
      <translation>Nichts wurde verschoben</translation>
    </message>
    <message>
      <source>Putting photos back</source>
      <translation>Fotos werden zurückgelegt</translation>
    </message>
    <message numerus="yes">
      <source>move %n photo(s) to %1</source>
      <translation>
        <numerusform>%n Foto nach %1 verschieben</numerusform>
        <numerusform>%n Fotos nach %1 verschieben</numerusform>
      </translation>
    </message>
    <message>
      <source>★ marks the photo to keep. Select another and press “Keep this one” to change it.</source>
      <translation>★ markiert das Foto, das bleibt. Ein anderes auswählen und „Dieses behalten“ drücken, um es zu ändern.</translation>
    </message>
  </context>
  <context>
    <name>ErrorLogDialog</name>
    <message>
      <source>Copy all</source>
      <translation>Alles kopieren</translation>
    </message>
    <message>
      <source>Copy the list as tab-separated text</source>
      <translation>Die Liste als tabulatorgetrennten Text kopieren</translation>
    </message>
    <message>
      <source>Job</source>
      <translation>Aufgabe</translation>
    </message>
    <message>
      <source>Photo</source>
      <translation>Foto</translation>
    </message>
    <message>
      <source>Problem</source>
      <translation>Problem</translation>
    </message>
    <message>
      <source>Problems</source>
      <translation>Probleme</translation>
    </message>
    <message>
      <source>Problems met while scanning, tagging or writing; the rest of the work went on. Photos that could not be read were skipped: fix or remove the files, then rescan (F5) or tag again. Search state:broken to see them in the grid.</source>
      <translation>Probleme beim Einlesen, Taggen oder Schreiben; der Rest der Arbeit lief weiter. Fotos, die nicht gelesen werden konnten, wurden übersprungen: Dateien reparieren oder entfernen, dann neu einlesen (F5) oder erneut taggen. Mit der Suche state:broken erscheinen sie im Raster.</translation>
    </message>
  </context>
  <context>
    <name>FileSync</name>
    <message>
      <source>; {n} could not be written (Ctrl+L for why)</source>
      <translation>; {n} konnten nicht geschrieben werden (Strg+L zeigt warum)</translation>
    </message>
    <message>
      <source>; {n} went to sidecars (File &gt; Write tags to files says why, per file)</source>
      <translation>; {n} gingen in Sidecar-Dateien (Datei &gt; Tags in Dateien schreiben nennt den Grund je Datei)</translation>
    </message>
    <message>
      <source>Tags could not be written to the files: {error}</source>
      <translation>Die Tags konnten nicht in die Dateien geschrieben werden: {error}</translation>
    </message>
    <message>
      <source>Tags written to {n} file(s)</source>
      <translation>Tags in {n} Datei(en) geschrieben</translation>
    </message>
    <message>
      <source>Writing tags to {n} file(s)…</source>
      <translation>Schreibe Tags in {n} Datei(en)…</translation>
    </message>
  </context>
  <context>
    <name>JobsController</name>
    <message>
      <source> in {seconds} s</source>
      <translation> in {seconds} s</translation>
    </message>
    <message>
      <source> · suggestions of {n} photos tagged earlier re-ranked with the calibration</source>
      <translation> · Vorschläge von {n} früher getaggten Fotos mit der Kalibrierung neu geordnet</translation>
    </message>
    <message>
      <source> · suggestions of {n} photos tagged earlier re-ranked with the tag vocabulary</source>
      <translation> · Vorschläge von {n} früher getaggten Fotos mit dem Tag-Vokabular neu geordnet</translation>
    </message>
    <message>
      <source> · {failures} failed (Ctrl+L for the list)</source>
      <translation> · {failures} fehlgeschlagen (Strg+L für die Liste)</translation>
    </message>
    <message>
      <source> · {failures} not written (Ctrl+L for why)</source>
      <translation> · {failures} nicht geschrieben (Strg+L zeigt warum)</translation>
    </message>
    <message>
      <source> · {waiting} photos to tag (Tools &gt; Tag all photos)</source>
      <translation> · {waiting} Fotos zu taggen (Werkzeuge &gt; Alle Fotos taggen)</translation>
    </message>
    <message>
      <source>, {suggested} tags suggested</source>
      <translation>, {suggested} Tags vorgeschlagen</translation>
    </message>
    <message>
      <source>Adding the tag vocabulary to the photos tagged before it was ready ({done}/{total} photos)…</source>
      <translation>Das Vokabular wird bei den Fotos ergänzt, die getaggt wurden, bevor es bereit war ({done}/{total} Fotos)…</translation>
    </message>
    <message>
      <source>Duplicates: {groups} groups found</source>
      <translation>Duplikate: {groups} Gruppen gefunden</translation>
    </message>
    <message>
      <source>Every photo is already tagged with the current models</source>
      <translation>Alle Fotos sind schon mit den aktuellen Modellen getaggt</translation>
    </message>
    <message>
      <source>Loading the caption model ({number}/{count})…</source>
      <translation>Das Beschreibungsmodell wird geladen ({number}/{count})…</translation>
    </message>
    <message>
      <source>Loading the keyword model ({number}/{count})…</source>
      <translation>Das Stichwortmodell wird geladen ({number}/{count})…</translation>
    </message>
    <message>
      <source>Loading the model libraries…</source>
      <translation>Die Modellbibliotheken werden geladen…</translation>
    </message>
    <message>
      <source>Loading the tagging models…</source>
      <translation>Die Modelle zum Taggen werden geladen…</translation>
    </message>
    <message>
      <source>Loading the visual model ({number}/{count})…</source>
      <translation>Das Bildmodell wird geladen ({number}/{count})…</translation>
    </message>
    <message>
      <source>Looking for duplicates</source>
      <translation>Duplikate werden gesucht</translation>
    </message>
    <message>
      <source>Preparing the tag vocabulary for the visual model ({done}/{total})…</source>
      <translation>Das Tag-Vokabular wird für das Bildmodell vorbereitet ({done}/{total})…</translation>
    </message>
    <message>
      <source>Scan finished: {new} new, {changed} changed, {moved} moved, {removed} gone</source>
      <translation>Einlesen fertig: {new} neu, {changed} geändert, {moved} verschoben, {removed} weg</translation>
    </message>
    <message>
      <source>Scan stopped: {new} new, {changed} changed, {moved} moved, {removed} gone</source>
      <translation>Einlesen angehalten: {new} neu, {changed} geändert, {moved} verschoben, {removed} weg</translation>
    </message>
    <message>
      <source>Scanning {folder}</source>
      <translation>{folder} wird eingelesen</translation>
    </message>
    <message>
      <source>Stopping after the batch in flight…</source>
      <translation>Wird nach dem aktuellen Stapel angehalten…</translation>
    </message>
    <message>
      <source>Tagging</source>
      <translation>Taggen</translation>
    </message>
    <message>
      <source>Tagging finished: {done} of {total} photos</source>
      <translation>Taggen fertig: {done} von {total} Fotos</translation>
    </message>
    <message>
      <source>Tagging stopped: {done} of {total} photos</source>
      <translation>Taggen angehalten: {done} von {total} Fotos</translation>
    </message>
    <message>
      <source>The photo shown keeps its suggestions until you move on; the run re-ranked others</source>
      <translation>Das angezeigte Foto behält seine Vorschläge, bis Sie weitergehen; der Lauf hat andere neu geordnet</translation>
    </message>
    <message>
      <source>Undoing the last write</source>
      <translation>Das letzte Schreiben wird rückgängig gemacht</translation>
    </message>
    <message>
      <source>Writing finished: {done} of {total} files</source>
      <translation>Schreiben beendet: {done} von {total} Dateien</translation>
    </message>
    <message>
      <source>Writing stopped: {done} of {total} files</source>
      <translation>Schreiben angehalten: {done} von {total} Dateien</translation>
    </message>
    <message>
      <source>Writing tags to files</source>
      <translation>Tags werden in Dateien geschrieben</translation>
    </message>
    <message>
      <source>{job_title} will start when the current job ends</source>
      <translation>{job_title} beginnt, wenn die laufende Aufgabe endet</translation>
    </message>
    <message>
      <source>{kind} stopped: {error}</source>
      <translation>{kind} angehalten: {error}</translation>
    </message>
    <message>
      <source>{rate} photos/s · ETA {eta}</source>
      <translation>{rate} Fotos/s · noch {eta}</translation>
    </message>
  </context>
  <context>
    <name>MainWindow</name>
    <message>
      <source>&amp;Redo</source>
      <translation>&amp;Wiederholen</translation>
    </message>
    <message>
      <source>&amp;Redo {edit}</source>
      <translation>{edit} &amp;wiederholen</translation>
    </message>
    <message>
      <source>&amp;Undo</source>
      <translation>&amp;Rückgängig</translation>
    </message>
    <message>
      <source>&amp;Undo {edit}</source>
      <translation>{edit} &amp;rückgängig machen</translation>
    </message>
    <message>
      <source>&amp;Write tags to files…</source>
      <translation>Tags in Dateien &amp;schreiben…</translation>
    </message>
    <message>
      <source>&amp;Write tags to files… (off: turn it on in Settings)</source>
      <translation>Tags in Dateien &amp;schreiben… (aus: in den Einstellungen einschalten)</translation>
    </message>
    <message>
      <source>All ≥ threshold (Enter)</source>
      <translation>Alle ≥ Schwelle (Enter)</translation>
    </message>
    <message>
      <source>Approve (A)</source>
      <translation>Bestätigen (A)</translation>
    </message>
    <message>
      <source>Automatic tagging is off: {message} Use Models… to get them.</source>
      <translation>Automatisches Taggen ist aus: {message} Über Modelle… holen.</translation>
    </message>
    <message>
      <source>Choose a photo folder</source>
      <translation>Fotoordner wählen</translation>
    </message>
    <message>
      <source>Edits are written to {where} automatically; this previews and writes every shown or selected photo now (Ctrl+Shift+W)</source>
      <translation>Änderungen werden automatisch in {where} geschrieben; dies zeigt eine Vorschau und schreibt jetzt alle gezeigten oder ausgewählten Fotos (Strg+Umschalt+W)</translation>
    </message>
    <message>
      <source>Every photo ≥ {score} (Enter)</source>
      <translation>Jedes Foto ≥ {score} (Enter)</translation>
    </message>
    <message>
      <source>Models…</source>
      <translation>Modelle…</translation>
    </message>
    <message>
      <source>No suggestions to review; tag photos first (Ctrl+G)</source>
      <translation>Keine Vorschläge zu prüfen; zuerst Fotos taggen (Strg+G)</translation>
    </message>
    <message>
      <source>Reject (R)</source>
      <translation>Ablehnen (R)</translation>
    </message>
    <message>
      <source>Remove (Del)</source>
      <translation>Entfernen (Entf)</translation>
    </message>
    <message>
      <source>Remove tag</source>
      <translation>Tag entfernen</translation>
    </message>
    <message>
      <source>Remove which tag from {target}?</source>
      <translation>Welchen Tag von {target} entfernen?</translation>
    </message>
    <message>
      <source>Review by tag</source>
      <translation>Nach Tag prüfen</translation>
    </message>
    <message>
      <source>Review the suggestions of which tag?</source>
      <translation>Die Vorschläge welches Tags prüfen?</translation>
    </message>
    <message>
      <source>Select a photo first, then Find similar</source>
      <translation>Zuerst ein Foto auswählen, dann „Ähnliche finden“</translation>
    </message>
    <message>
      <source>Tagging cannot start: automatic tagging is off (see the notice above the photos)</source>
      <translation>Taggen kann nicht beginnen: automatisches Taggen ist aus (siehe den Hinweis über den Fotos)</translation>
    </message>
    <message>
      <source>Tagging stopped: {error} The full message is in Problems (Ctrl+L).</source>
      <translation>Taggen angehalten: {error} Die vollständige Meldung steht unter Probleme (Strg+L).</translation>
    </message>
    <message>
      <source>The models were unloaded after {minutes:g} min unused, to free memory; they load again when needed</source>
      <translation>Die Modelle wurden nach {minutes:g} Min. ohne Nutzung entladen, um Speicher freizugeben; sie werden bei Bedarf neu geladen</translation>
    </message>
    <message>
      <source>The new language shows when imgtag starts again</source>
      <translation>Die neue Sprache erscheint beim nächsten Start von imgtag</translation>
    </message>
    <message>
      <source>The selected photos have no tags</source>
      <translation>Die ausgewählten Fotos haben keine Tags</translation>
    </message>
    <message>
      <source>The tags cannot be written now: {exc}

Nothing was changed in your files.</source>
      <translation>Die Tags können jetzt nicht geschrieben werden: {exc}

An Ihren Dateien wurde nichts geändert.</translation>
    </message>
    <message>
      <source>Write tags to files</source>
      <translation>Tags in Dateien schreiben</translation>
    </message>
    <message>
      <source>Writing tags to files is off for this library; choose XMP sidecar or Inside the photo in Settings (Ctrl+,)</source>
      <translation>Das Schreiben von Tags in Dateien ist für diese Bibliothek aus; wählen Sie in den Einstellungen XMP-Begleitdatei oder In der Fotodatei (Strg+,)</translation>
    </message>
    <message>
      <source>XMP sidecars</source>
      <translation>die XMP-Begleitdateien</translation>
    </message>
    <message>
      <source>all {n} photos shown ({source})</source>
      <translation>alle {n} gezeigten Fotos ({source})</translation>
    </message>
    <message>
      <source>imgtag</source>
      <translation>imgtag</translation>
    </message>
    <message>
      <source>imgtag — {place}</source>
      <translation>imgtag — {place}</translation>
    </message>
    <message>
      <source>the photo files</source>
      <translation>die Fotodateien</translation>
    </message>
    <message>
      <source>the {n} selected photos</source>
      <translation>die {n} ausgewählten Fotos</translation>
    </message>
    <message>
      <source>{folder} is not a folder; choose one with File &gt; Open folder (Ctrl+O)</source>
      <translation>{folder} ist kein Ordner; einen mit Datei &gt; Ordner öffnen (Strg+O) wählen</translation>
    </message>
    <message>
      <source>{len_ids} photos match {text}</source>
      <translation>{len_ids} Fotos passen zu {text}</translation>
    </message>
  </context>
  <context>
    <name>ModelsDialog</name>
    <message>
      <source>Check again</source>
      <translation>Erneut prüfen</translation>
    </message>
    <message>
      <source>Choose folder…</source>
      <translation>Ordner wählen…</translation>
    </message>
    <message>
      <source>Choose the model folder</source>
      <translation>Modellordner wählen</translation>
    </message>
    <message>
      <source>Download failed: {stats_error}

{status_text}</source>
      <translation>Herunterladen fehlgeschlagen: {stats_error}

{status_text}</translation>
    </message>
    <message>
      <source>Download models</source>
      <translation>Modelle herunterladen</translation>
    </message>
    <message>
      <source>Download the models named above (needs the internet once; about 1 GB)</source>
      <translation>Die oben genannten Modelle herunterladen (braucht einmal Internet; etwa 1 GB)</translation>
    </message>
    <message>
      <source>Models</source>
      <translation>Modelle</translation>
    </message>
    <message>
      <source>Models downloaded.

{status_text}</source>
      <translation>Modelle heruntergeladen.

{status_text}</translation>
    </message>
    <message>
      <source>Pick a local folder holding the {label_lower}</source>
      <translation>Einen lokalen Ordner mit dem Modell „{label_lower}“ wählen</translation>
    </message>
    <message>
      <source>This build cannot download models; pick local folders instead</source>
      <translation>Diese Version kann keine Modelle herunterladen; stattdessen lokale Ordner wählen</translation>
    </message>
    <message>
      <source>{tip}. A model name from the download cache, or a folder.</source>
      <translation>{tip}. Ein Modellname aus dem Download-Cache oder ein Ordner.</translation>
    </message>
  </context>
  <context>
    <name>MuteCommand</name>
    <message>
      <source>Mute '{tag}'</source>
      <translation>„{tag}“ stummschalten</translation>
    </message>
    <message>
      <source>Unmute '{tag}'</source>
      <translation>„{tag}“ wieder vorschlagen</translation>
    </message>
  </context>
  <context>
    <name>MutedTagsDialog</name>
    <message>
      <source>&amp;Unmute</source>
      <translation>&amp;Wieder vorschlagen</translation>
    </message>
    <message>
      <source>A tag you rejected on {n} photos and never approved is no longer suggested anywhere. Unmute it to see it suggested again.</source>
      <translation>Ein Tag, das Sie auf {n} Fotos abgelehnt und nie bestätigt haben, wird nirgends mehr vorgeschlagen. Schalten Sie es wieder ein, um es wieder vorgeschlagen zu bekommen.</translation>
    </message>
    <message>
      <source>Muted tags</source>
      <translation>Stummgeschaltete Tags</translation>
    </message>
    <message>
      <source>No muted tags</source>
      <translation>Keine stummgeschalteten Tags</translation>
    </message>
    <message>
      <source>U&amp;ndo</source>
      <translation>&amp;Rückgängig</translation>
    </message>
    <message>
      <source>{tag}  —  rejected on {n} photos</source>
      <translation>{tag}  —  auf {n} Fotos abgelehnt</translation>
    </message>
    <message>
      <source>{tag}  —  rejected on {n} photos (muted by you)</source>
      <translation>{tag}  —  auf {n} Fotos abgelehnt (von Ihnen stummgeschaltet)</translation>
    </message>
  </context>
  <context>
    <name>PhotoGrid</name>
    <message>
      <source>Looking for photos… they appear here as they are found.</source>
      <translation>Suche Fotos… sie erscheinen hier, sobald sie gefunden werden.</translation>
    </message>
    <message>
      <source>No photo has “{tag}” any more.</source>
      <translation>Kein Foto hat mehr „{tag}“.</translation>
    </message>
    <message>
      <source>No photos in this folder.
Add photos to it and rescan (F5), or open another folder (Ctrl+O).</source>
      <translation>Keine Fotos in diesem Ordner.
Fotos hinzufügen und neu einlesen (F5) oder einen anderen Ordner öffnen (Strg+O).</translation>
    </message>
    <message>
      <source>No photos match this album's query yet.
Tag more photos, or edit the album's query (right-click the album).</source>
      <translation>Noch keine Fotos passen zur Abfrage dieses Albums.
Mehr Fotos taggen oder die Abfrage des Albums ändern (Rechtsklick auf das Album).</translation>
    </message>
    <message>
      <source>No photos match {query}.
Check the spelling, or clear the search to see all photos (Ctrl+Shift+A).</source>
      <translation>Keine Fotos passen zu {query}.
Schreibweise prüfen oder die Suche leeren, um alle Fotos zu sehen (Strg+Umschalt+A).</translation>
    </message>
    <message>
      <source>No photos yet.
Open a folder of photos with File &gt; Open folder (Ctrl+O).</source>
      <translation>Noch keine Fotos.
Einen Fotoordner mit Datei &gt; Ordner öffnen (Strg+O) öffnen.</translation>
    </message>
    <message>
      <source>No suggestions of “{tag}” left to review.
Press Done, or pick another tag (Ctrl+Shift+R).</source>
      <translation>Keine Vorschläge für „{tag}“ mehr zu prüfen.
Fertig drücken oder einen anderen Tag wählen (Strg+Umschalt+R).</translation>
    </message>
  </context>
  <context>
    <name>QueryBar</name>
    <message>
      <source>Album name:</source>
      <translation>Name des Albums:</translation>
    </message>
    <message>
      <source>Save as smart album</source>
      <translation>Als intelligentes Album speichern</translation>
    </message>
    <message>
      <source>Search: dog AND (beach OR park) -night date:2024 ~"sunset over water"</source>
      <translation>Suche: Hund AND (Strand OR Park) -Nacht date:2024 ~"Sonnenuntergang am Meer"</translation>
    </message>
  </context>
  <context>
    <name>ReviewBar</name>
    <message>
      <source>Approve all ≥</source>
      <translation>Alle bestätigen ≥</translation>
    </message>
    <message>
      <source>Approve this tag on every photo scored at or above the value (Enter)</source>
      <translation>Diesen Tag auf jedem Foto mit mindestens diesem Wert bestätigen (Enter)</translation>
    </message>
    <message>
      <source>Done</source>
      <translation>Fertig</translation>
    </message>
    <message>
      <source>Leave the review and show all photos</source>
      <translation>Prüfung beenden und alle Fotos zeigen</translation>
    </message>
    <message>
      <source>Score used by 'Approve all ≥' (Enter)</source>
      <translation>Wert für „Alle bestätigen ≥“ (Enter)</translation>
    </message>
  </context>
  <context>
    <name>ReviewController</name>
    <message>
      <source>Reviewing “{tag}”: {left} left, {approved} approved</source>
      <translation>Prüfe „{tag}“: {left} übrig, {approved} bestätigt</translation>
    </message>
    <message>
      <source>Reviewing “{tag}”…</source>
      <translation>Prüfe „{tag}“…</translation>
    </message>
    <message>
      <source>That was the last photo listed for “{tag}”: the keys now act on it again; Done shows all photos</source>
      <translation>Das war das letzte Foto für „{tag}“: die Tasten wirken jetzt wieder auf dieses Foto; Fertig zeigt alle Fotos</translation>
    </message>
  </context>
  <context>
    <name>Session</name>
    <message>
      <source>Redone: {edit}</source>
      <translation>Wiederhergestellt: {edit}</translation>
    </message>
    <message>
      <source>Undone: {edit}</source>
      <translation>Rückgängig gemacht: {edit}</translation>
    </message>
  </context>
  <context>
    <name>SettingsDialog</name>
    <message>
      <source> min</source>
      <translation> Min.</translation>
    </message>
    <message>
      <source>A photo shows the suggestions whose confidence (how likely you are to approve them) is at or above this (also on the toolbar slider)</source>
      <translation>Ein Foto zeigt die Vorschläge, deren Konfidenz (wie wahrscheinlich Sie sie bestätigen) mindestens diesen Wert erreicht (auch am Schieberegler der Werkzeugleiste)</translation>
    </message>
    <message>
      <source>A tag you reject on this many photos, and never approve, is no longer suggested (Review &gt; Muted tags to unmute it)</source>
      <translation>Ein Tag, das Sie auf so vielen Fotos ablehnen und nie bestätigen, wird nicht mehr vorgeschlagen (Prüfen &gt; Stummgeschaltete Tags, um es wieder einzuschalten)</translation>
    </message>
    <message>
      <source>Also score the built-in vocabulary and my own tags</source>
      <translation>Auch das eingebaute Vokabular und meine eigenen Tags bewerten</translation>
    </message>
    <message>
      <source>At most this many suggestions per photo, the most confident first</source>
      <translation>Höchstens so viele Vorschläge pro Foto, die sichersten zuerst</translation>
    </message>
    <message>
      <source>Automatic (system language)</source>
      <translation>Automatisch (Systemsprache)</translation>
    </message>
    <message>
      <source>Device</source>
      <translation>Gerät</translation>
    </message>
    <message>
      <source>Free the models' memory after this many minutes without tagging or visual search; they load again when needed</source>
      <translation>Den Speicher der Modelle nach so vielen Minuten ohne Taggen oder visuelle Suche freigeben; sie werden bei Bedarf neu geladen</translation>
    </message>
    <message>
      <source>Language</source>
      <translation>Sprache</translation>
    </message>
    <message>
      <source>Language of menus and dialogs (takes effect at the next start)</source>
      <translation>Sprache der Menüs und Dialoge (gilt ab dem nächsten Start)</translation>
    </message>
    <message>
      <source>Language of suggested vocabulary tags and of country names in place tags; tags you approved keep their names</source>
      <translation>Sprache der vorgeschlagenen Vokabular-Tags und der Ländernamen in Orts-Tags; bestätigte Tags behalten ihre Namen</translation>
    </message>
    <message>
      <source>Loads the model libraries (not the models) once the window is idle, so Tag all shows its first suggestions seconds sooner; uses about 300 MB of memory</source>
      <translation>Lädt die Modellbibliotheken (nicht die Modelle), sobald das Fenster ruht, damit „Alle Fotos taggen“ seine ersten Vorschläge Sekunden früher zeigt; belegt etwa 300 MB Speicher</translation>
    </message>
    <message>
      <source>Model status, local folders, download</source>
      <translation>Modellstatus, lokale Ordner, Download</translation>
    </message>
    <message>
      <source>Models</source>
      <translation>Modelle</translation>
    </message>
    <message>
      <source>Models…</source>
      <translation>Modelle…</translation>
    </message>
    <message>
      <source>Mute a tag after rejections</source>
      <translation>Tag stummschalten nach Ablehnungen</translation>
    </message>
    <message>
      <source>Never</source>
      <translation>Nie</translation>
    </message>
    <message>
      <source>Prepare for tagging in the background when photos wait to be tagged</source>
      <translation>Das Taggen im Hintergrund vorbereiten, wenn Fotos auf Tags warten</translation>
    </message>
    <message>
      <source>Settings</source>
      <translation>Einstellungen</translation>
    </message>
    <message>
      <source>Size of the grid's thumbnails (Ctrl++ / Ctrl+- change it too)</source>
      <translation>Größe der Vorschaubilder im Raster (auch Strg++ / Strg+-)</translation>
    </message>
    <message>
      <source>Start-up</source>
      <translation>Start</translation>
    </message>
    <message>
      <source>Suggestions per photo</source>
      <translation>Vorschläge pro Foto</translation>
    </message>
    <message>
      <source>Tag language</source>
      <translation>Sprache der Tags</translation>
    </message>
    <message>
      <source>Threshold</source>
      <translation>Schwelle</translation>
    </message>
    <message>
      <source>Thumbnail size</source>
      <translation>Größe der Vorschaubilder</translation>
    </message>
    <message>
      <source>Unload the models after</source>
      <translation>Modelle entladen nach</translation>
    </message>
    <message>
      <source>Vocabulary</source>
      <translation>Vokabular</translation>
    </message>
    <message>
      <source>Where the models run; auto picks a GPU when one is usable</source>
      <translation>Wo die Modelle laufen; auto wählt eine GPU, wenn eine nutzbar ist</translation>
    </message>
    <message>
      <source>Whether approved tags are also written into the photos (XMP/IPTC/EXIF)</source>
      <translation>Ob bestätigte Tags auch in die Fotos geschrieben werden (XMP/IPTC/EXIF)</translation>
    </message>
    <message>
      <source>Write tags to files</source>
      <translation>Tags in Dateien schreiben</translation>
    </message>
  </context>
  <context>
    <name>Sidebar</name>
    <message>
      <source>(0 · {rejected} rejected)</source>
      <translation>(0 · {rejected} abgelehnt)</translation>
    </message>
    <message>
      <source>({approved} · {suggested} suggested)</source>
      <translation>({approved} · {suggested} vorgeschlagen)</translation>
    </message>
    <message>
      <source>({rejected} rejected)</source>
      <translation>({rejected} abgelehnt)</translation>
    </message>
    <message>
      <source>{tag}: photos with this tag. Double-click, or right-click &gt; Review suggestions, to go through its suggestions.</source>
      <translation>{tag}: Fotos mit diesem Tag. Doppelklick, oder Rechtsklick &gt; Vorschläge prüfen, um seine Vorschläge durchzugehen.</translation>
    </message>
  </context>
  <context>
    <name>SidebarController</name>
    <message>
      <source>Delete from every photo…</source>
      <translation>Von allen Fotos löschen…</translation>
    </message>
    <message>
      <source>Filter suggested tags</source>
      <translation>Vorgeschlagene Tags filtern</translation>
    </message>
    <message>
      <source>Merge into…</source>
      <translation>Zusammenführen mit…</translation>
    </message>
    <message>
      <source>Move under…</source>
      <translation>Verschieben unter…</translation>
    </message>
    <message>
      <source>Rename everywhere…</source>
      <translation>Überall umbenennen…</translation>
    </message>
    <message>
      <source>Review suggestions</source>
      <translation>Vorschläge prüfen</translation>
    </message>
    <message>
      <source>Show photos</source>
      <translation>Fotos zeigen</translation>
    </message>
    <message>
      <source>Tag manager…</source>
      <translation>Tag-Verwaltung…</translation>
    </message>
  </context>
  <context>
    <name>SidebarModel</name>
    <message>
      <source>All photos  ({total})</source>
      <translation>Alle Fotos  ({total})</translation>
    </message>
    <message>
      <source>Every photo in the library</source>
      <translation>Jedes Foto der Bibliothek</translation>
    </message>
    <message>
      <source>Library</source>
      <translation>Bibliothek</translation>
    </message>
    <message>
      <source>No smart albums yet</source>
      <translation>Noch keine intelligenten Alben</translation>
    </message>
    <message>
      <source>No tags yet</source>
      <translation>Noch keine Tags</translation>
    </message>
    <message>
      <source>Smart albums</source>
      <translation>Intelligente Alben</translation>
    </message>
    <message>
      <source>Smart albums are saved tag queries, e.g. dog AND (beach OR park)</source>
      <translation>Intelligente Alben sind gespeicherte Tag-Abfragen, z. B. Hund AND (Strand OR Park)</translation>
    </message>
    <message>
      <source>Suggestions only</source>
      <translation>Nur Vorschläge</translation>
    </message>
    <message>
      <source>Suggestions only  ({n})</source>
      <translation>Nur Vorschläge  ({n})</translation>
    </message>
    <message>
      <source>Tags</source>
      <translation>Tags</translation>
    </message>
    <message>
      <source>Tags that are only suggested so far (no photo has them approved)</source>
      <translation>Tags, die bisher nur vorgeschlagen sind (auf keinem Foto bestätigt)</translation>
    </message>
    <message>
      <source>{name}  ({n} suggested)</source>
      <translation>{name}  ({n} vorgeschlagen)</translation>
    </message>
  </context>
  <context>
    <name>StatusPanel</name>
    <message>
      <source>Problems met while scanning, tagging or writing: click for the list (Ctrl+L)</source>
      <translation>Probleme beim Einlesen, Taggen oder Schreiben: klicken für die Liste (Strg+L)</translation>
    </message>
    <message>
      <source>Stop</source>
      <translation>Anhalten</translation>
    </message>
    <message>
      <source>Stop the running job after the batch in flight (Ctrl+.)</source>
      <translation>Die laufende Aufgabe nach dem aktuellen Stapel anhalten (Strg+.)</translation>
    </message>
    <message>
      <source>⚠ Problems: {count}</source>
      <translation>⚠ Probleme: {count}</translation>
    </message>
  </context>
  <context>
    <name>SuggestionsController</name>
    <message>
      <source>; the photo shown keeps its suggestions until you move on</source>
      <translation>; das angezeigte Foto behält seine Vorschläge, bis Sie weitergehen</translation>
    </message>
    <message>
      <source>Forget every approval and rejection learned so far, and the muted tags?
Your tags stay as they are; only the suggestions' ranking starts over.</source>
      <translation>Alles bisher aus Bestätigungen und Ablehnungen Gelernte und die stummgeschalteten Tags vergessen?
Ihre Tags bleiben, wie sie sind; nur die Rangfolge der Vorschläge beginnt von vorn.</translation>
    </message>
    <message>
      <source>Learned from your decisions: the photo shown is re-ranked when you move on</source>
      <translation>Aus Ihren Entscheidungen gelernt: das angezeigte Foto wird neu geordnet, wenn Sie weitergehen</translation>
    </message>
    <message>
      <source>Reset learning</source>
      <translation>Gelerntes zurücksetzen</translation>
    </message>
    <message>
      <source>Suggestions could not be ranked again: {error}</source>
      <translation>Die Vorschläge konnten nicht neu geordnet werden: {error}</translation>
    </message>
    <message>
      <source>Suggestions of the photo shown brought up to date as well: a re-ranking had kept them as they were while you looked at it</source>
      <translation>Vorschläge des angezeigten Fotos ebenfalls aktualisiert: eine Neuordnung hatte sie unverändert gelassen, während Sie es ansahen</translation>
    </message>
    <message>
      <source>Suggestions of the photo you left were brought up to date (kept as they were while you looked at it)</source>
      <translation>Die Vorschläge des verlassenen Fotos wurden aktualisiert (solange Sie es ansahen, blieben sie, wie sie waren)</translation>
    </message>
    <message>
      <source>Suggestions re-ranked after learning from your decisions: 1 photo changed</source>
      <translation>Vorschläge nach dem Lernen aus Ihren Entscheidungen neu geordnet: 1 Foto geändert</translation>
    </message>
    <message>
      <source>Suggestions re-ranked after learning from your decisions: {n} photos changed</source>
      <translation>Vorschläge nach dem Lernen aus Ihren Entscheidungen neu geordnet: {n} Fotos geändert</translation>
    </message>
  </context>
  <context>
    <name>TagEdits</name>
    <message>
      <source>1 photo</source>
      <translation>1 Foto</translation>
    </message>
    <message>
      <source>Add '{tag}' to {target}</source>
      <translation>„{tag}“ zu {target} hinzufügen</translation>
    </message>
    <message>
      <source>Approve '{tag}' on {target}</source>
      <translation>„{tag}“ auf {target} bestätigen</translation>
    </message>
    <message>
      <source>Reject '{tag}' on {target}</source>
      <translation>„{tag}“ auf {target} ablehnen</translation>
    </message>
    <message>
      <source>Remove '{tag}' from {target}</source>
      <translation>„{tag}“ von {target} entfernen</translation>
    </message>
    <message>
      <source>Un-review '{tag}' on {target}</source>
      <translation>Prüfung von „{tag}“ auf {target} zurücksetzen</translation>
    </message>
    <message>
      <source>{n} photos</source>
      <translation>{n} Fotos</translation>
    </message>
    <message>
      <source>{n} tag edits</source>
      <translation>{n} Tag-Änderungen</translation>
    </message>
  </context>
  <context>
    <name>TagManager</name>
    <message>
      <source>Delete '{tag}' and the tags below it from every photo? You can undo this (Ctrl+Z).</source>
      <translation>„{tag}“ und die Tags darunter von allen Fotos löschen? Das lässt sich rückgängig machen (Strg+Z).</translation>
    </message>
    <message>
      <source>Delete tag</source>
      <translation>Tag löschen</translation>
    </message>
    <message>
      <source>Merge '{tag}' into which tag? Every photo with '{tag}' gets that tag instead.</source>
      <translation>„{tag}“ mit welchem Tag zusammenführen? Jedes Foto mit „{tag}“ bekommt stattdessen diesen Tag.</translation>
    </message>
    <message>
      <source>Merge tag</source>
      <translation>Tag zusammenführen</translation>
    </message>
    <message>
      <source>Move tag</source>
      <translation>Tag verschieben</translation>
    </message>
    <message>
      <source>New name for '{tag}' on every photo (use a|b for a hierarchy):</source>
      <translation>Neuer Name für „{tag}“ auf allen Fotos (a|b für eine Hierarchie):</translation>
    </message>
    <message>
      <source>Put '{tag}' under which tag? (a new name makes a new parent)</source>
      <translation>„{tag}“ unter welchen Tag setzen? (ein neuer Name legt einen neuen Obertag an)</translation>
    </message>
    <message>
      <source>Rename tag</source>
      <translation>Tag umbenennen</translation>
    </message>
    <message>
      <source>Tags</source>
      <translation>Tags</translation>
    </message>
    <message>
      <source>These smart albums name it and keep their queries, so they will not show photos for it any more: {albums}</source>
      <translation>Diese intelligenten Alben nennen den Tag und behalten ihre Abfragen; sie zeigen dafür keine Fotos mehr: {albums}</translation>
    </message>
    <message>
      <source>{edit}; files follow on the next write</source>
      <translation>{edit}; die Dateien folgen beim nächsten Schreiben</translation>
    </message>
  </context>
  <context>
    <name>TagManagerDialog</name>
    <message>
      <source>Approved</source>
      <translation>Bestätigt</translation>
    </message>
    <message>
      <source>Delete…</source>
      <translation>Löschen…</translation>
    </message>
    <message>
      <source>Filter tags (ignores case and accents)</source>
      <translation>Tags filtern (ohne Groß-/Kleinschreibung und Akzente)</translation>
    </message>
    <message>
      <source>Fold the tag into another one on every photo</source>
      <translation>Den Tag auf allen Fotos in einen anderen überführen</translation>
    </message>
    <message>
      <source>Give the tag a new name on every photo</source>
      <translation>Dem Tag auf allen Fotos einen neuen Namen geben</translation>
    </message>
    <message>
      <source>Loading tags…</source>
      <translation>Tags werden geladen…</translation>
    </message>
    <message>
      <source>Merge into…</source>
      <translation>Zusammenführen mit…</translation>
    </message>
    <message>
      <source>Move to top</source>
      <translation>Nach oben verschieben</translation>
    </message>
    <message>
      <source>Move under…</source>
      <translation>Verschieben unter…</translation>
    </message>
    <message>
      <source>Put the tag under a parent tag (a|b hierarchy)</source>
      <translation>Den Tag unter einen Obertag setzen (Hierarchie a|b)</translation>
    </message>
    <message>
      <source>Rejected</source>
      <translation>Abgelehnt</translation>
    </message>
    <message>
      <source>Rename…</source>
      <translation>Umbenennen…</translation>
    </message>
    <message>
      <source>Suggested</source>
      <translation>Vorgeschlagen</translation>
    </message>
    <message>
      <source>Tag</source>
      <translation>Tag</translation>
    </message>
    <message>
      <source>Tag manager</source>
      <translation>Tag-Verwaltung</translation>
    </message>
    <message>
      <source>Take the tag off every photo</source>
      <translation>Den Tag von allen Fotos entfernen</translation>
    </message>
    <message>
      <source>Take the tag out of its parent</source>
      <translation>Den Tag aus seinem Obertag herausnehmen</translation>
    </message>
    <message>
      <source>{n} tags. Edits apply to every photo, can be undone (Ctrl+Z), and reach the files on the next write.</source>
      <translation>{n} Tags. Änderungen gelten für alle Fotos, lassen sich rückgängig machen (Strg+Z) und erreichen die Dateien beim nächsten Schreiben.</translation>
    </message>
    <message>
      <source>{shown} of {n} tags. Edits apply to every photo, can be undone (Ctrl+Z), and reach the files on the next write.</source>
      <translation>{shown} von {n} Tags. Änderungen gelten für alle Fotos, lassen sich rückgängig machen (Strg+Z) und erreichen die Dateien beim nächsten Schreiben.</translation>
    </message>
    <message>
      <source>{tip} (undo with Ctrl+Z)</source>
      <translation>{tip} (rückgängig mit Strg+Z)</translation>
    </message>
  </context>
  <context>
    <name>TagPickerDialog</name>
    <message>
      <source>No tag matches “{text}”. Choose one from the list, or press Esc.</source>
      <translation>Kein Tag passt zu „{text}“. Wählen Sie einen aus der Liste oder drücken Sie Esc.</translation>
    </message>
  </context>
  <context>
    <name>ThresholdController</name>
    <message>
      <source> · photo {ph}/{ph_total}</source>
      <translation> · Foto {ph}/{ph_total}</translation>
    </message>
    <message>
      <source>; on this photo {ph} of {ph_total}</source>
      <translation>; auf diesem Foto {ph} von {ph_total}</translation>
    </message>
    <message>
      <source>{lib:,} of {lib_total:,} suggestions pass the threshold</source>
      <translation>{lib:,} von {lib_total:,} Vorschlägen erreichen die Schwelle</translation>
    </message>
    <message>
      <source>{lib:,} shown</source>
      <translation>{lib:,} angezeigt</translation>
    </message>
    <message>
      <source>{lib:,} suggestions shown</source>
      <translation>{lib:,} Vorschläge angezeigt</translation>
    </message>
    <message>
      <source>{lib:,}/{lib_total:,} pass</source>
      <translation>{lib:,}/{lib_total:,} erreicht</translation>
    </message>
  </context>
  <context>
    <name>ThresholdWidget</name>
    <message>
      <source>At most this many suggestions per photo, the most confident first</source>
      <translation>Höchstens so viele Vorschläge pro Foto, die sichersten zuerst</translation>
    </message>
    <message>
      <source>How many suggestions pass the threshold: across the library, and on the current photo</source>
      <translation>Wie viele Vorschläge die Schwelle erreichen: in der Bibliothek und auf dem aktuellen Foto</translation>
    </message>
    <message>
      <source>Per photo</source>
      <translation>Pro Foto</translation>
    </message>
    <message>
      <source>Suggestion threshold: a photo shows the suggestions whose confidence (how likely you are to approve them) is at or above it. Alt+Up / Alt+Down move it.</source>
      <translation>Vorschlagsschwelle: Ein Foto zeigt die Vorschläge, deren Konfidenz (wie wahrscheinlich Sie sie bestätigen) sie mindestens erreicht. Alt+Auf / Alt+Ab verschieben sie.</translation>
    </message>
    <message>
      <source>Suggestions per photo</source>
      <translation>Vorschläge pro Foto</translation>
    </message>
    <message>
      <source>Threshold</source>
      <translation>Schwelle</translation>
    </message>
  </context>
  <context>
    <name>WritePreviewDialog</name>
    <message>
      <source>Cancel</source>
      <translation>Abbrechen</translation>
    </message>
    <message>
      <source>Close</source>
      <translation>Schließen</translation>
    </message>
    <message>
      <source>Keep modification times</source>
      <translation>Änderungszeiten beibehalten</translation>
    </message>
    <message>
      <source>Nothing written: {error}</source>
      <translation>Nichts geschrieben: {error}</translation>
    </message>
    <message>
      <source>Photos: {scope}. Only approved tags are written; files already up to date are left alone.</source>
      <translation>Fotos: {scope}. Nur bestätigte Tags werden geschrieben; aktuelle Dateien bleiben unberührt.</translation>
    </message>
    <message>
      <source>Reading {len_ids:,} files…</source>
      <translation>{len_ids:,} Dateien werden gelesen…</translation>
    </message>
    <message>
      <source>The files cannot be read: {reason}</source>
      <translation>Die Dateien können nicht gelesen werden: {reason}</translation>
    </message>
    <message>
      <source>Undo last write</source>
      <translation>Letztes Schreiben rückgängig machen</translation>
    </message>
    <message>
      <source>Write</source>
      <translation>Schreiben</translation>
    </message>
    <message>
      <source>Write tags to files</source>
      <translation>Tags in Dateien schreiben</translation>
    </message>
    <message>
      <source>Write to:</source>
      <translation>Schreiben in:</translation>
    </message>
    <message>
      <source>{n} photo(s)</source>
      <translation>{n} Foto(s)</translation>
    </message>
  </context>
  <context>
    <name>app</name>
    <message>
      <source>{folder} is not a folder; choose one with File &gt; Open folder (Ctrl+O)</source>
      <translation>{folder} ist kein Ordner; einen mit Datei &gt; Ordner öffnen (Strg+O) wählen</translation>
    </message>
  </context>
  <context>
    <name>imgtag</name>
    <message>
      <source>&amp;Add tag to selection…</source>
      <translation>Tag zur Auswahl &amp;hinzufügen…</translation>
    </message>
    <message>
      <source>&amp;All photos</source>
      <translation>&amp;Alle Fotos</translation>
    </message>
    <message>
      <source>&amp;Approve tag</source>
      <translation>Tag &amp;bestätigen</translation>
    </message>
    <message>
      <source>&amp;Duplicates…</source>
      <translation>&amp;Duplikate…</translation>
    </message>
    <message>
      <source>&amp;Edit</source>
      <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
      <source>&amp;Edit tag…</source>
      <translation>Tag b&amp;earbeiten…</translation>
    </message>
    <message>
      <source>&amp;File</source>
      <translation>&amp;Datei</translation>
    </message>
    <message>
      <source>&amp;Help</source>
      <translation>&amp;Hilfe</translation>
    </message>
    <message>
      <source>&amp;Keyboard shortcuts</source>
      <translation>&amp;Tastenkürzel</translation>
    </message>
    <message>
      <source>&amp;Larger thumbnails</source>
      <translation>&amp;Größere Vorschaubilder</translation>
    </message>
    <message>
      <source>&amp;Learn from my decisions</source>
      <translation>Aus meinen Entscheidungen &amp;lernen</translation>
    </message>
    <message>
      <source>&amp;Models…</source>
      <translation>&amp;Modelle…</translation>
    </message>
    <message>
      <source>&amp;Open folder…</source>
      <translation>Ordner ö&amp;ffnen…</translation>
    </message>
    <message>
      <source>&amp;Problems…</source>
      <translation>&amp;Probleme…</translation>
    </message>
    <message>
      <source>&amp;Quit</source>
      <translation>&amp;Beenden</translation>
    </message>
    <message>
      <source>&amp;Redo</source>
      <translation>&amp;Wiederholen</translation>
    </message>
    <message>
      <source>&amp;Reject tag</source>
      <translation>Tag &amp;ablehnen</translation>
    </message>
    <message>
      <source>&amp;Rescan folders</source>
      <translation>Ordner &amp;neu einlesen</translation>
    </message>
    <message>
      <source>&amp;Review</source>
      <translation>&amp;Prüfen</translation>
    </message>
    <message>
      <source>&amp;Search…</source>
      <translation>&amp;Suchen…</translation>
    </message>
    <message>
      <source>&amp;Settings…</source>
      <translation>&amp;Einstellungen…</translation>
    </message>
    <message>
      <source>&amp;Tag all photos</source>
      <translation>Alle Fotos &amp;taggen</translation>
    </message>
    <message>
      <source>&amp;Tools</source>
      <translation>&amp;Werkzeuge</translation>
    </message>
    <message>
      <source>&amp;Undo</source>
      <translation>&amp;Rückgängig</translation>
    </message>
    <message>
      <source>&amp;View</source>
      <translation>&amp;Ansicht</translation>
    </message>
    <message>
      <source>&amp;Write tags to files…</source>
      <translation>Tags in Dateien &amp;schreiben…</translation>
    </message>
    <message>
      <source>Add a photo folder to the library and scan it</source>
      <translation>Einen Fotoordner zur Bibliothek hinzufügen und einlesen</translation>
    </message>
    <message>
      <source>Approve all &amp;above threshold</source>
      <translation>Alle &amp;über der Schwelle bestätigen</translation>
    </message>
    <message>
      <source>Approve every suggestion with a confidence at or above the threshold</source>
      <translation>Jeden Vorschlag mit einer Konfidenz ab der Schwelle bestätigen</translation>
    </message>
    <message>
      <source>Approve the current tag on the shown photo, or on every selected photo (then go to the next)</source>
      <translation>Den aktuellen Tag auf dem gezeigten Foto oder auf allen ausgewählten Fotos bestätigen (dann zum nächsten)</translation>
    </message>
    <message>
      <source>Captioner</source>
      <translation>Bildbeschreibung</translation>
    </message>
    <message>
      <source>Close imgtag</source>
      <translation>imgtag schließen</translation>
    </message>
    <message>
      <source>Find s&amp;imilar photos</source>
      <translation>Ä&amp;hnliche Fotos finden</translation>
    </message>
    <message>
      <source>Forget what was learned from your approvals and rejections, and the muted tags</source>
      <translation>Das aus Ihren Bestätigungen und Ablehnungen Gelernte und die stummgeschalteten Tags vergessen</translation>
    </message>
    <message>
      <source>Go to &amp;photos</source>
      <translation>Zu den &amp;Fotos</translation>
    </message>
    <message>
      <source>Go to &amp;sidebar</source>
      <translation>Zur &amp;Seitenleiste</translation>
    </message>
    <message>
      <source>Go to &amp;tags</source>
      <translation>Zu den &amp;Tags</translation>
    </message>
    <message>
      <source>Group near-identical photos (bursts, resized copies, re-encodes) and choose which to keep</source>
      <translation>Fast gleiche Fotos gruppieren (Serien, verkleinerte Kopien, neu kodierte) und wählen, welches bleibt</translation>
    </message>
    <message>
      <source>Inside the photo files</source>
      <translation>In den Fotodateien</translation>
    </message>
    <message>
      <source>Keyword model</source>
      <translation>Schlagwortmodell</translation>
    </message>
    <message>
      <source>Look for new, changed, moved and deleted photos</source>
      <translation>Nach neuen, geänderten, verschobenen und gelöschten Fotos suchen</translation>
    </message>
    <message>
      <source>Lower the threshold by 0.05</source>
      <translation>Die Schwelle um 0,05 senken</translation>
    </message>
    <message>
      <source>Lower threshold</source>
      <translation>Schwelle senken</translation>
    </message>
    <message>
      <source>M&amp;uted tags…</source>
      <translation>&amp;Stummgeschaltete Tags…</translation>
    </message>
    <message>
      <source>Make thumbnails larger</source>
      <translation>Vorschaubilder vergrößern</translation>
    </message>
    <message>
      <source>Make thumbnails smaller</source>
      <translation>Vorschaubilder verkleinern</translation>
    </message>
    <message>
      <source>Model status, local folders, download</source>
      <translation>Modellstatus, lokale Ordner, Download</translation>
    </message>
    <message>
      <source>Models, device, threshold, thumbnails</source>
      <translation>Modelle, Gerät, Schwelle, Vorschaubilder</translation>
    </message>
    <message>
      <source>Move the keyboard focus to the photo grid</source>
      <translation>Tastaturfokus auf das Fotoraster</translation>
    </message>
    <message>
      <source>Move the keyboard focus to the photo's tags</source>
      <translation>Tastaturfokus auf die Tags des Fotos</translation>
    </message>
    <message>
      <source>Move the keyboard focus to the sidebar</source>
      <translation>Tastaturfokus auf die Seitenleiste</translation>
    </message>
    <message>
      <source>Move to the next tag chip</source>
      <translation>Zum nächsten Tag</translation>
    </message>
    <message>
      <source>Move to the previous tag chip</source>
      <translation>Zum vorherigen Tag</translation>
    </message>
    <message>
      <source>Next tag</source>
      <translation>Nächster Tag</translation>
    </message>
    <message>
      <source>Off: keep tags in the catalog only</source>
      <translation>Aus: Tags nur im Katalog behalten</translation>
    </message>
    <message>
      <source>Photos that could not be read or tagged</source>
      <translation>Fotos, die nicht gelesen oder getaggt werden konnten</translation>
    </message>
    <message>
      <source>Photos that look like the current one, most similar first (like:PHOTO)</source>
      <translation>Fotos, die dem aktuellen ähneln, die ähnlichsten zuerst (like:FOTO)</translation>
    </message>
    <message>
      <source>Preview and write approved tags into the selected (or all shown) photos' files</source>
      <translation>Bestätigte Tags in die Dateien der ausgewählten (oder aller gezeigten) Fotos schreiben, mit Vorschau</translation>
    </message>
    <message>
      <source>Previous tag</source>
      <translation>Vorheriger Tag</translation>
    </message>
    <message>
      <source>Raise the suggestion threshold by 0.05</source>
      <translation>Die Vorschlagsschwelle um 0,05 erhöhen</translation>
    </message>
    <message>
      <source>Raise threshold</source>
      <translation>Schwelle erhöhen</translation>
    </message>
    <message>
      <source>Rank suggestions by what you approve and reject (switch off to rank by the models alone)</source>
      <translation>Vorschläge danach ordnen, was Sie bestätigen und ablehnen (aus: nur nach den Modellen)</translation>
    </message>
    <message>
      <source>Re&amp;move tag</source>
      <translation>Tag ent&amp;fernen</translation>
    </message>
    <message>
      <source>Redo the last undone tag edit</source>
      <translation>Die zuletzt rückgängig gemachte Tag-Änderung wiederholen</translation>
    </message>
    <message>
      <source>Reject the current tag on the shown photo or the selection: it is never suggested again there</source>
      <translation>Den aktuellen Tag auf dem gezeigten Foto oder der Auswahl ablehnen: er wird dort nie wieder vorgeschlagen</translation>
    </message>
    <message>
      <source>Remo&amp;ve tag from selection…</source>
      <translation>Tag aus der Auswahl entfer&amp;nen…</translation>
    </message>
    <message>
      <source>Rename the current tag on the shown photo or the selection (Tag manager: everywhere)</source>
      <translation>Den aktuellen Tag auf dem gezeigten Foto oder der Auswahl umbenennen (Tag-Verwaltung: überall)</translation>
    </message>
    <message>
      <source>Rename, merge, move or delete tags across the whole library</source>
      <translation>Tags in der ganzen Bibliothek umbenennen, zusammenführen, verschieben oder löschen</translation>
    </message>
    <message>
      <source>Reset lear&amp;ning…</source>
      <translation>Gelerntes &amp;zurücksetzen…</translation>
    </message>
    <message>
      <source>Review &amp;by tag…</source>
      <translation>Nach Tag &amp;prüfen…</translation>
    </message>
    <message>
      <source>S&amp;maller thumbnails</source>
      <translation>&amp;Kleinere Vorschaubilder</translation>
    </message>
    <message>
      <source>S&amp;top</source>
      <translation>&amp;Anhalten</translation>
    </message>
    <message>
      <source>Scores how well each candidate matches the photo (CLIP)</source>
      <translation>Bewertet, wie gut jeder Kandidat zum Foto passt (CLIP)</translation>
    </message>
    <message>
      <source>Search with a query: dog AND (beach OR park) -night, ~"sunset" (visual, after tagging)</source>
      <translation>Mit einer Abfrage suchen: Hund AND (Strand OR Park) -Nacht, ~"Sonnenuntergang" (visuell, nach dem Taggen)</translation>
    </message>
    <message>
      <source>See every photo where a tag is suggested, best score first</source>
      <translation>Jedes Foto sehen, auf dem ein Tag vorgeschlagen ist, bester Wert zuerst</translation>
    </message>
    <message>
      <source>Show every keyboard shortcut</source>
      <translation>Alle Tastenkürzel zeigen</translation>
    </message>
    <message>
      <source>Show every photo in the library</source>
      <translation>Alle Fotos der Bibliothek zeigen</translation>
    </message>
    <message>
      <source>Stop the running job after the batch in flight</source>
      <translation>Die laufende Aufgabe nach dem aktuellen Stapel anhalten</translation>
    </message>
    <message>
      <source>Suggest tags for every photo not yet analysed with the current models</source>
      <translation>Tags für jedes Foto vorschlagen, das noch nicht mit den aktuellen Modellen analysiert wurde</translation>
    </message>
    <message>
      <source>Suggest tags for the shown photo, or for every selected photo</source>
      <translation>Tags für das gezeigte Foto oder für alle ausgewählten Fotos vorschlagen</translation>
    </message>
    <message>
      <source>Tag &amp;manager…</source>
      <translation>Tag-&amp;Verwaltung…</translation>
    </message>
    <message>
      <source>Tag &amp;selection</source>
      <translation>&amp;Auswahl taggen</translation>
    </message>
    <message>
      <source>Tags no longer suggested because you rejected them often; unmute them here</source>
      <translation>Tags, die nicht mehr vorgeschlagen werden, weil Sie sie oft abgelehnt haben; hier wieder einschalten</translation>
    </message>
    <message>
      <source>Take a tag off the shown photo, or off every selected photo</source>
      <translation>Einen Tag vom gezeigten Foto oder von allen ausgewählten Fotos entfernen</translation>
    </message>
    <message>
      <source>Take the current tag off the shown photo, or off every selected photo</source>
      <translation>Den aktuellen Tag vom gezeigten Foto oder von allen ausgewählten Fotos entfernen</translation>
    </message>
    <message>
      <source>Turns captions into candidate tags (a sentence-transformers model)</source>
      <translation>Macht aus Bildbeschreibungen Tag-Kandidaten (ein sentence-transformers-Modell)</translation>
    </message>
    <message>
      <source>Type a tag to add (approved) to the shown photo, or to every selected photo</source>
      <translation>Einen Tag eingeben, der dem gezeigten Foto oder allen ausgewählten Fotos (bestätigt) hinzugefügt wird</translation>
    </message>
    <message>
      <source>Undo the last tag edit</source>
      <translation>Die letzte Tag-Änderung rückgängig machen</translation>
    </message>
    <message>
      <source>Visual model</source>
      <translation>Bildmodell</translation>
    </message>
    <message>
      <source>Writes a caption for each photo (BLIP)</source>
      <translation>Schreibt eine Bildbeschreibung für jedes Foto (BLIP)</translation>
    </message>
    <message>
      <source>XMP sidecar files</source>
      <translation>XMP-Begleitdateien</translation>
    </message>
  </context>
</TS>
