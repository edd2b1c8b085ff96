<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr">
  <context>
    <name>ActionTexts</name>
    <message>
      <source>&amp;Add tag to {target}…</source>
      <translation>&amp;Ajouter une étiquette à {target}…</translation>
    </message>
    <message>
      <source>&amp;Approve '{tag}' on {target}</source>
      <translation>&amp;Approuver « {tag} » sur {target}</translation>
    </message>
    <message>
      <source>&amp;Edit '{tag}' on {target}…</source>
      <translation>&amp;Modifier « {tag} » sur {target}…</translation>
    </message>
    <message>
      <source>&amp;Reject '{tag}' on {target}</source>
      <translation>&amp;Rejeter « {tag} » sur {target}</translation>
    </message>
    <message>
      <source>Approve '{tag}' on every photo &amp;scored ≥ {score}</source>
      <translation>Approuver « {tag} » sur chaque photo de &amp;score ≥ {score}</translation>
    </message>
    <message>
      <source>Approve all &amp;above {threshold} on {target}</source>
      <translation>Tout approuver &amp;au-dessus de {threshold} sur {target}</translation>
    </message>
    <message>
      <source>Re&amp;move '{tag}' from {target}</source>
      <translation>Re&amp;tirer « {tag} » de {target}</translation>
    </message>
    <message>
      <source>Remo&amp;ve a tag from {target}…</source>
      <translation>Reti&amp;rer une étiquette de {target}…</translation>
    </message>
    <message>
      <source>Tag &amp;{target} (suggest)</source>
      <translation>Étiqueter &amp;{target} (suggestions)</translation>
    </message>
  </context>
  <context>
    <name>DetailController</name>
    <message>
      <source> · edits apply to the {n} selected photos</source>
      <translation> · les modifications s'appliquent aux {n} photos sélectionnées</translation>
    </message>
    <message>
      <source> · re-ranked suggestions come when you move on</source>
      <translation> · les suggestions reclassées viendront quand vous passerez à une autre photo</translation>
    </message>
    <message>
      <source>Approve {n} tags at or above {threshold} on {target}</source>
      <translation>Approuver {n} étiquettes à partir de {threshold} sur {target}</translation>
    </message>
    <message>
      <source>Edit '{old}' to '{new}' on {target}</source>
      <translation>Changer « {old} » en « {new} » sur {target}</translation>
    </message>
    <message>
      <source>Edit tag</source>
      <translation>Modifier le tag</translation>
    </message>
    <message>
      <source>Loading…</source>
      <translation>Chargement…</translation>
    </message>
    <message>
      <source>New name for '{name}' on {where}:</source>
      <translation>Nouveau nom pour « {name} » sur {where} :</translation>
    </message>
    <message>
      <source>No photo selected</source>
      <translation>Aucune photo sélectionnée</translation>
    </message>
    <message>
      <source>This photo cannot be shown: {reason}</source>
      <translation>Impossible d’afficher cette photo : {reason}</translation>
    </message>
    <message>
      <source>{approved} approved · {sug} suggested ({passing} at or above {threshold:.2f}){extra}</source>
      <translation>{approved} approuvés · {sug} suggérés ({passing} à partir de {threshold:.2f}){extra}</translation>
    </message>
  </context>
  <context>
    <name>DetailPanel</name>
    <message>
      <source>Add a tag (Ctrl+T)… use a|b for a hierarchy</source>
      <translation>Ajouter un tag (Ctrl+T)… a|b pour une hiérarchie</translation>
    </message>
    <message>
      <source>Tags: approved (green), suggested with score (blue), rejected (struck out).
A approve · R reject · Enter approve all above threshold · Del remove · F2 edit</source>
      <translation>Tags : approuvés (vert), suggérés avec score (bleu), rejetés (barrés).
A approuver · R rejeter · Entrée tout approuver au-dessus du seuil · Suppr retirer · F2 modifier</translation>
    </message>
    <message>
      <source>The caption the captioning model wrote for this photo</source>
      <translation>La légende que le modèle de légendes a écrite pour cette photo</translation>
    </message>
    <message>
      <source>Type a tag and press Enter: it is added, approved, to the selected photos</source>
      <translation>Tapez un tag et appuyez sur Entrée : il est ajouté, approuvé, aux photos sélectionnées</translation>
    </message>
  </context>
  <context>
    <name>DuplicatesDialog</name>
    <message numerus="yes">
      <source>%n photo(s) moved to %1 (Edit &gt; Undo puts them back)</source>
      <translation>
        <numerusform>%n photo déplacée vers %1 (Édition &gt; Annuler la remet en place)</numerusform>
        <numerusform>%n photos déplacées vers %1 (Édition &gt; Annuler les remet en place)</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n tag(s) merged onto the keeper</source>
      <translation>
        <numerusform>%n tag fusionné sur la photo gardée</numerusform>
        <numerusform>%n tags fusionnés sur la photo gardée</numerusform>
      </translation>
    </message>
    <message>
      <source>&amp;Keep this one</source>
      <translation>&amp;Garder celle-ci</translation>
    </message>
    <message>
      <source>&amp;Merge tags onto the keeper</source>
      <translation>&amp;Fusionner les tags sur la photo gardée</translation>
    </message>
    <message>
      <source>Duplicates</source>
      <translation>Doublons</translation>
    </message>
    <message>
      <source>Give the keeper every approved tag of the other photos in the group</source>
      <translation>Donner à la photo gardée tous les tags approuvés des autres photos du groupe</translation>
    </message>
    <message numerus="yes">
      <source>Group %1 — %n photo(s)</source>
      <translation>
        <numerusform>Groupe %1 — %n photo</numerusform>
        <numerusform>Groupe %1 — %n photos</numerusform>
      </translation>
    </message>
    <message>
      <source>Lowest similarity of the photos in the group: %1</source>
      <translation>Plus faible similarité des photos du groupe : %1</translation>
    </message>
    <message>
      <source>Make the selected photo the one to keep in this group</source>
      <translation>Garder la photo sélectionnée dans ce groupe</translation>
    </message>
    <message>
      <source>Merging tags</source>
      <translation>Fusion des tags</translation>
    </message>
    <message>
      <source>Mo&amp;ve the others to a folder…</source>
      <translation>&amp;Déplacer les autres dans un dossier…</translation>
    </message>
    <message>
      <source>Move the other photos of the group out of the library (Edit &gt; Undo puts them back); nothing is deleted</source>
      <translation>Sortir les autres photos du groupe de la photothèque (Édition &gt; Annuler les remet en place) ; rien n’est supprimé</translation>
    </message>
    <message>
      <source>Move the other photos to which folder?</source>
      <translation>Dans quel dossier déplacer les autres photos ?</translation>
    </message>
    <message>
      <source>Moving photos</source>
      <translation>Déplacement des photos</translation>
    </message>
    <message>
      <source>No near-duplicates found. Photos are compared by how they look (after tagging also by what they show).</source>
      <translation>Aucun quasi-doublon trouvé. Les photos sont comparées selon leur aspect (après l’étiquetage aussi selon leur contenu).</translation>
    </message>
    <message>
      <source>Nothing was moved</source>
      <translation>Rien n’a été déplacé</translation>
    </message>
    <message>
      <source>Putting photos back</source>
      <translation>Remise en place des photos</translation>
    </message>
    <message numerus="yes">
      <source>move %n photo(s) to %1</source>
      <translation>
        <numerusform>déplacement de %n photo vers %1</numerusform>
        <numerusform>déplacement de %n photos vers %1</numerusform>
      </translation>
    </message>
    <message>
      <source>★ marks the photo to keep. Select another and press “Keep this one” to change it.</source>
      <translation>★ marque la photo à garder. Sélectionnez-en une autre et appuyez sur « Garder celle-ci » pour changer.</translation>
    </message>
  </context>
  <context>
    <name>ErrorLogDialog</name>
    <message>
      <source>Copy all</source>
      <translation>Tout copier</translation>
    </message>
    <message>
      <source>Copy the list as tab-separated text</source>
      <translation>Copier la liste en texte séparé par des tabulations</translation>
    </message>
    <message>
      <source>Job</source>
      <translation>Tâche</translation>
    </message>
    <message>
      <source>Photo</source>
      <translation>Photo</translation>
    </message>
    <message>
      <source>Problem</source>
      <translation>Problème</translation>
    </message>
    <message>
      <source>Problems</source>
      <translation>Problèmes</translation>
    </message>
    <message>
      <source>Problems met while scanning, tagging or writing; the rest of the work went on. Photos that could not be read were skipped: fix or remove the files, then rescan (F5) or tag again. Search state:broken to see them in the grid.</source>
      <translation>Problèmes rencontrés lors de l'analyse, de l'étiquetage ou de l'écriture ; le reste du travail a continué. Les photos illisibles ont été ignorées : réparez ou retirez les fichiers, puis relancez l'analyse (F5) ou l'étiquetage. Cherchez state:broken pour les voir dans la grille.</translation>
    </message>
  </context>
  <context>
    <name>FileSync</name>
    <message>
      <source>; {n} could not be written (Ctrl+L for why)</source>
      <translation> ; {n} n'ont pas pu être écrits (Ctrl+L pour savoir pourquoi)</translation>
    </message>
    <message>
      <source>; {n} went to sidecars (File &gt; Write tags to files says why, per file)</source>
      <translation> ; {n} sont allés dans des fichiers annexes (Fichier &gt; Écrire les étiquettes dans les fichiers dit pourquoi, fichier par fichier)</translation>
    </message>
    <message>
      <source>Tags could not be written to the files: {error}</source>
      <translation>Les tags n’ont pas pu être écrits dans les fichiers : {error}</translation>
    </message>
    <message>
      <source>Tags written to {n} file(s)</source>
      <translation>Étiquettes écrites dans {n} fichier(s)</translation>
    </message>
    <message>
      <source>Writing tags to {n} file(s)…</source>
      <translation>Écriture des étiquettes dans {n} fichier(s)…</translation>
    </message>
  </context>
  <context>
    <name>JobsController</name>
    <message>
      <source> in {seconds} s</source>
      <translation> en {seconds} s</translation>
    </message>
    <message>
      <source> · suggestions of {n} photos tagged earlier re-ranked with the calibration</source>
      <translation> · suggestions de {n} photos étiquetées plus tôt reclassées avec la calibration</translation>
    </message>
    <message>
      <source> · suggestions of {n} photos tagged earlier re-ranked with the tag vocabulary</source>
      <translation> · suggestions de {n} photos étiquetées plus tôt reclassées avec le vocabulaire de tags</translation>
    </message>
    <message>
      <source> · {failures} failed (Ctrl+L for the list)</source>
      <translation> · {failures} en échec (Ctrl+L pour la liste)</translation>
    </message>
    <message>
      <source> · {failures} not written (Ctrl+L for why)</source>
      <translation> · {failures} non écrits (Ctrl+L pour savoir pourquoi)</translation>
    </message>
    <message>
      <source> · {waiting} photos to tag (Tools &gt; Tag all photos)</source>
      <translation> · {waiting} photos à étiqueter (Outils &gt; Étiqueter toutes les photos)</translation>
    </message>
    <message>
      <source>, {suggested} tags suggested</source>
      <translation>, {suggested} tags suggérés</translation>
    </message>
    <message>
      <source>Adding the tag vocabulary to the photos tagged before it was ready ({done}/{total} photos)…</source>
      <translation>Ajout du vocabulaire aux photos étiquetées avant qu’il soit prêt ({done}/{total} photos)…</translation>
    </message>
    <message>
      <source>Duplicates: {groups} groups found</source>
      <translation>Doublons : {groups} groupes trouvés</translation>
    </message>
    <message>
      <source>Every photo is already tagged with the current models</source>
      <translation>Toutes les photos sont déjà étiquetées avec les modèles actuels</translation>
    </message>
    <message>
      <source>Loading the caption model ({number}/{count})…</source>
      <translation>Chargement du modèle de légende ({number}/{count})…</translation>
    </message>
    <message>
      <source>Loading the keyword model ({number}/{count})…</source>
      <translation>Chargement du modèle de mots-clés ({number}/{count})…</translation>
    </message>
    <message>
      <source>Loading the model libraries…</source>
      <translation>Chargement des bibliothèques des modèles…</translation>
    </message>
    <message>
      <source>Loading the tagging models…</source>
      <translation>Chargement des modèles d'étiquetage…</translation>
    </message>
    <message>
      <source>Loading the visual model ({number}/{count})…</source>
      <translation>Chargement du modèle visuel ({number}/{count})…</translation>
    </message>
    <message>
      <source>Looking for duplicates</source>
      <translation>Recherche des doublons</translation>
    </message>
    <message>
      <source>Preparing the tag vocabulary for the visual model ({done}/{total})…</source>
      <translation>Préparation du vocabulaire de tags pour le modèle visuel ({done}/{total})…</translation>
    </message>
    <message>
      <source>Scan finished: {new} new, {changed} changed, {moved} moved, {removed} gone</source>
      <translation>Analyse terminée : {new} nouvelles, {changed} modifiées, {moved} déplacées, {removed} disparues</translation>
    </message>
    <message>
      <source>Scan stopped: {new} new, {changed} changed, {moved} moved, {removed} gone</source>
      <translation>Analyse arrêtée : {new} nouvelles, {changed} modifiées, {moved} déplacées, {removed} disparues</translation>
    </message>
    <message>
      <source>Scanning {folder}</source>
      <translation>Lecture de {folder}</translation>
    </message>
    <message>
      <source>Stopping after the batch in flight…</source>
      <translation>Arrêt après le lot en cours…</translation>
    </message>
    <message>
      <source>Tagging</source>
      <translation>Étiquetage</translation>
    </message>
    <message>
      <source>Tagging finished: {done} of {total} photos</source>
      <translation>Étiquetage terminé : {done} sur {total} photos</translation>
    </message>
    <message>
      <source>Tagging stopped: {done} of {total} photos</source>
      <translation>Étiquetage arrêté : {done} sur {total} photos</translation>
    </message>
    <message>
      <source>The photo shown keeps its suggestions until you move on; the run re-ranked others</source>
      <translation>La photo affichée garde ses suggestions jusqu’à ce que vous passiez à une autre ; l’analyse en a reclassé d’autres</translation>
    </message>
    <message>
      <source>Undoing the last write</source>
      <translation>Annulation de la dernière écriture</translation>
    </message>
    <message>
      <source>Writing finished: {done} of {total} files</source>
      <translation>Écriture terminée : {done} fichiers sur {total}</translation>
    </message>
    <message>
      <source>Writing stopped: {done} of {total} files</source>
      <translation>Écriture arrêtée : {done} fichiers sur {total}</translation>
    </message>
    <message>
      <source>Writing tags to files</source>
      <translation>Écriture des tags dans les fichiers</translation>
    </message>
    <message>
      <source>{job_title} will start when the current job ends</source>
      <translation>{job_title} commencera à la fin de la tâche en cours</translation>
    </message>
    <message>
      <source>{kind} stopped: {error}</source>
      <translation>{kind} arrêté : {error}</translation>
    </message>
    <message>
      <source>{rate} photos/s · ETA {eta}</source>
      <translation>{rate} photos/s · reste {eta}</translation>
    </message>
  </context>
  <context>
    <name>MainWindow</name>
    <message>
      <source>&amp;Redo</source>
      <translation>&amp;Rétablir</translation>
    </message>
    <message>
      <source>&amp;Redo {edit}</source>
      <translation>&amp;Rétablir : {edit}</translation>
    </message>
    <message>
      <source>&amp;Undo</source>
      <translation>&amp;Annuler</translation>
    </message>
    <message>
      <source>&amp;Undo {edit}</source>
      <translation>&amp;Annuler : {edit}</translation>
    </message>
    <message>
      <source>&amp;Write tags to files…</source>
      <translation>É&amp;crire les tags dans les fichiers…</translation>
    </message>
    <message>
      <source>&amp;Write tags to files… (off: turn it on in Settings)</source>
      <translation>É&amp;crire les tags dans les fichiers… (désactivé : l’activer dans les Paramètres)</translation>
    </message>
    <message>
      <source>All ≥ threshold (Enter)</source>
      <translation>Tous ≥ seuil (Entrée)</translation>
    </message>
    <message>
      <source>Approve (A)</source>
      <translation>Approuver (A)</translation>
    </message>
    <message>
      <source>Automatic tagging is off: {message} Use Models… to get them.</source>
      <translation>L'étiquetage automatique est désactivé : {message} Utilisez Modèles… pour les obtenir.</translation>
    </message>
    <message>
      <source>Choose a photo folder</source>
      <translation>Choisir un dossier de photos</translation>
    </message>
    <message>
      <source>Edits are written to {where} automatically; this previews and writes every shown or selected photo now (Ctrl+Shift+W)</source>
      <translation>Les modifications sont écrites automatiquement dans {where} ; ceci montre un aperçu et écrit maintenant toutes les photos affichées ou sélectionnées (Ctrl+Maj+W)</translation>
    </message>
    <message>
      <source>Every photo ≥ {score} (Enter)</source>
      <translation>Toutes les photos ≥ {score} (Entrée)</translation>
    </message>
    <message>
      <source>Models…</source>
      <translation>Modèles…</translation>
    </message>
    <message>
      <source>No suggestions to review; tag photos first (Ctrl+G)</source>
      <translation>Aucune suggestion à examiner ; étiquetez d’abord des photos (Ctrl+G)</translation>
    </message>
    <message>
      <source>Reject (R)</source>
      <translation>Rejeter (R)</translation>
    </message>
    <message>
      <source>Remove (Del)</source>
      <translation>Retirer (Suppr)</translation>
    </message>
    <message>
      <source>Remove tag</source>
      <translation>Retirer le tag</translation>
    </message>
    <message>
      <source>Remove which tag from {target}?</source>
      <translation>Retirer quelle étiquette de {target} ?</translation>
    </message>
    <message>
      <source>Review by tag</source>
      <translation>Examiner par tag</translation>
    </message>
    <message>
      <source>Review the suggestions of which tag?</source>
      <translation>Examiner les suggestions de quel tag ?</translation>
    </message>
    <message>
      <source>Select a photo first, then Find similar</source>
      <translation>Sélectionnez d’abord une photo, puis « Trouver des photos similaires »</translation>
    </message>
    <message>
      <source>Tagging cannot start: automatic tagging is off (see the notice above the photos)</source>
      <translation>L'étiquetage ne peut pas commencer : l'étiquetage automatique est désactivé (voir l'avis au-dessus des photos)</translation>
    </message>
    <message>
      <source>Tagging stopped: {error} The full message is in Problems (Ctrl+L).</source>
      <translation>Étiquetage arrêté : {error} Le message complet est dans Problèmes (Ctrl+L).</translation>
    </message>
    <message>
      <source>The models were unloaded after {minutes:g} min unused, to free memory; they load again when needed</source>
      <translation>Les modèles ont été déchargés après {minutes:g} min sans usage, pour libérer la mémoire ; ils se rechargent au besoin</translation>
    </message>
    <message>
      <source>The new language shows when imgtag starts again</source>
      <translation>La nouvelle langue s'affiche au prochain démarrage d'imgtag</translation>
    </message>
    <message>
      <source>The selected photos have no tags</source>
      <translation>Les photos sélectionnées n’ont pas de tags</translation>
    </message>
    <message>
      <source>The tags cannot be written now: {exc}

Nothing was changed in your files.</source>
      <translation>Les tags ne peuvent pas être écrits maintenant : {exc}

Rien n’a été modifié dans vos fichiers.</translation>
    </message>
    <message>
      <source>Write tags to files</source>
      <translation>Écrire les tags dans les fichiers</translation>
    </message>
    <message>
      <source>Writing tags to files is off for this library; choose XMP sidecar or Inside the photo in Settings (Ctrl+,)</source>
      <translation>L’écriture des tags dans les fichiers est désactivée pour cette bibliothèque ; choisissez Fichier XMP annexe ou Dans la photo dans les Paramètres (Ctrl+,)</translation>
    </message>
    <message>
      <source>XMP sidecars</source>
      <translation>les fichiers XMP annexes</translation>
    </message>
    <message>
      <source>all {n} photos shown ({source})</source>
      <translation>les {n} photos affichées ({source})</translation>
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
      <translation>les fichiers photo</translation>
    </message>
    <message>
      <source>the {n} selected photos</source>
      <translation>les {n} photos sélectionnées</translation>
    </message>
    <message>
      <source>{folder} is not a folder; choose one with File &gt; Open folder (Ctrl+O)</source>
      <translation>{folder} n’est pas un dossier ; choisissez-en un avec Fichier &gt; Ouvrir un dossier (Ctrl+O)</translation>
    </message>
    <message>
      <source>{len_ids} photos match {text}</source>
      <translation>{len_ids} photos correspondent à {text}</translation>
    </message>
  </context>
  <context>
    <name>ModelsDialog</name>
    <message>
      <source>Check again</source>
      <translation>Vérifier à nouveau</translation>
    </message>
    <message>
      <source>Choose folder…</source>
      <translation>Choisir un dossier…</translation>
    </message>
    <message>
      <source>Choose the model folder</source>
      <translation>Choisir le dossier du modèle</translation>
    </message>
    <message>
      <source>Download failed: {stats_error}

{status_text}</source>
      <translation>Échec du téléchargement : {stats_error}

{status_text}</translation>
    </message>
    <message>
      <source>Download models</source>
      <translation>Télécharger les modèles</translation>
    </message>
    <message>
      <source>Download the models named above (needs the internet once; about 1 GB)</source>
      <translation>Télécharger les modèles ci-dessus (Internet une seule fois ; environ 1 Go)</translation>
    </message>
    <message>
      <source>Models</source>
      <translation>Modèles</translation>
    </message>
    <message>
      <source>Models downloaded.

{status_text}</source>
      <translation>Modèles téléchargés.

{status_text}</translation>
    </message>
    <message>
      <source>Pick a local folder holding the {label_lower}</source>
      <translation>Choisir un dossier local contenant le modèle « {label_lower} »</translation>
    </message>
    <message>
      <source>This build cannot download models; pick local folders instead</source>
      <translation>Cette version ne peut pas télécharger de modèles ; choisissez plutôt des dossiers locaux</translation>
    </message>
    <message>
      <source>{tip}. A model name from the download cache, or a folder.</source>
      <translation>{tip}. Un nom de modèle du cache de téléchargement, ou un dossier.</translation>
    </message>
  </context>
  <context>
    <name>MuteCommand</name>
    <message>
      <source>Mute '{tag}'</source>
      <translation>Rendre « {tag} » muet</translation>
    </message>
    <message>
      <source>Unmute '{tag}'</source>
      <translation>Réactiver « {tag} »</translation>
    </message>
  </context>
  <context>
    <name>MutedTagsDialog</name>
    <message>
      <source>&amp;Unmute</source>
      <translation>&amp;Réactiver</translation>
    </message>
    <message>
      <source>A tag you rejected on {n} photos and never approved is no longer suggested anywhere. Unmute it to see it suggested again.</source>
      <translation>Un tag que vous avez refusé sur {n} photos et jamais approuvé n'est plus suggéré nulle part. Réactivez-le pour qu'il soit de nouveau suggéré.</translation>
    </message>
    <message>
      <source>Muted tags</source>
      <translation>Tags muets</translation>
    </message>
    <message>
      <source>No muted tags</source>
      <translation>Aucun tag muet</translation>
    </message>
    <message>
      <source>U&amp;ndo</source>
      <translation>Annu&amp;ler</translation>
    </message>
    <message>
      <source>{tag}  —  rejected on {n} photos</source>
      <translation>{tag}  —  refusé sur {n} photos</translation>
    </message>
    <message>
      <source>{tag}  —  rejected on {n} photos (muted by you)</source>
      <translation>{tag}  —  refusé sur {n} photos (rendu muet par vous)</translation>
    </message>
  </context>
  <context>
    <name>PhotoGrid</name>
    <message>
      <source>Looking for photos… they appear here as they are found.</source>
      <translation>Recherche des photos… elles apparaissent ici au fur et à mesure.</translation>
    </message>
    <message>
      <source>No photo has “{tag}” any more.</source>
      <translation>Plus aucune photo n'a « {tag} ».</translation>
    </message>
    <message>
      <source>No photos in this folder.
Add photos to it and rescan (F5), or open another folder (Ctrl+O).</source>
      <translation>Aucune photo dans ce dossier.
Ajoutez-y des photos et relancez l'analyse (F5), ou ouvrez un autre dossier (Ctrl+O).</translation>
    </message>
    <message>
      <source>No photos match this album's query yet.
Tag more photos, or edit the album's query (right-click the album).</source>
      <translation>Aucune photo ne correspond encore à la requête de cet album.
Étiquetez d'autres photos ou modifiez la requête (clic droit sur l'album).</translation>
    </message>
    <message>
      <source>No photos match {query}.
Check the spelling, or clear the search to see all photos (Ctrl+Shift+A).</source>
      <translation>Aucune photo ne correspond à {query}.
Vérifiez l'orthographe, ou effacez la recherche pour voir toutes les photos (Ctrl+Maj+A).</translation>
    </message>
    <message>
      <source>No photos yet.
Open a folder of photos with File &gt; Open folder (Ctrl+O).</source>
      <translation>Pas encore de photos.
Ouvrez un dossier de photos avec Fichier &gt; Ouvrir un dossier (Ctrl+O).</translation>
    </message>
    <message>
      <source>No suggestions of “{tag}” left to review.
Press Done, or pick another tag (Ctrl+Shift+R).</source>
      <translation>Plus aucune suggestion de « {tag} » à revoir.
Appuyez sur Terminé, ou choisissez une autre étiquette (Ctrl+Maj+R).</translation>
    </message>
  </context>
  <context>
    <name>QueryBar</name>
    <message>
      <source>Album name:</source>
      <translation>Nom de l’album :</translation>
    </message>
    <message>
      <source>Save as smart album</source>
      <translation>Enregistrer comme album intelligent</translation>
    </message>
    <message>
      <source>Search: dog AND (beach OR park) -night date:2024 ~"sunset over water"</source>
      <translation>Recherche : chien AND (plage OR parc) -nuit date:2024 ~"coucher de soleil sur l’eau"</translation>
    </message>
  </context>
  <context>
    <name>ReviewBar</name>
    <message>
      <source>Approve all ≥</source>
      <translation>Tout approuver ≥</translation>
    </message>
    <message>
      <source>Approve this tag on every photo scored at or above the value (Enter)</source>
      <translation>Approuver ce tag sur chaque photo dont le score atteint la valeur (Entrée)</translation>
    </message>
    <message>
      <source>Done</source>
      <translation>Terminé</translation>
    </message>
    <message>
      <source>Leave the review and show all photos</source>
      <translation>Quitter l’examen et afficher toutes les photos</translation>
    </message>
    <message>
      <source>Score used by 'Approve all ≥' (Enter)</source>
      <translation>Score utilisé par « Tout approuver ≥ » (Entrée)</translation>
    </message>
  </context>
  <context>
    <name>ReviewController</name>
    <message>
      <source>Reviewing “{tag}”: {left} left, {approved} approved</source>
      <translation>Revue de « {tag} » : {left} restantes, {approved} approuvées</translation>
    </message>
    <message>
      <source>Reviewing “{tag}”…</source>
      <translation>Revue de « {tag} »…</translation>
    </message>
    <message>
      <source>That was the last photo listed for “{tag}”: the keys now act on it again; Done shows all photos</source>
      <translation>C'était la dernière photo listée pour « {tag} » : les touches agissent de nouveau sur elle ; Terminé affiche toutes les photos</translation>
    </message>
  </context>
  <context>
    <name>Session</name>
    <message>
      <source>Redone: {edit}</source>
      <translation>Rétabli : {edit}</translation>
    </message>
    <message>
      <source>Undone: {edit}</source>
      <translation>Annulé : {edit}</translation>
    </message>
  </context>
  <context>
    <name>SettingsDialog</name>
    <message>
      <source> min</source>
      <translation> min</translation>
    </message>
    <message>
      <source>A photo shows the suggestions whose confidence (how likely you are to approve them) is at or above this (also on the toolbar slider)</source>
      <translation>Une photo montre les suggestions dont la confiance (la probabilité que vous les approuviez) atteint au moins cette valeur (aussi sur le curseur de la barre d'outils)</translation>
    </message>
    <message>
      <source>A tag you reject on this many photos, and never approve, is no longer suggested (Review &gt; Muted tags to unmute it)</source>
      <translation>Un tag refusé sur autant de photos et jamais approuvé n'est plus suggéré (Révision &gt; Tags muets pour le réactiver)</translation>
    </message>
    <message>
      <source>Also score the built-in vocabulary and my own tags</source>
      <translation>Évaluer aussi le vocabulaire intégré et mes propres tags</translation>
    </message>
    <message>
      <source>At most this many suggestions per photo, the most confident first</source>
      <translation>Au plus autant de suggestions par photo, les plus sûres d'abord</translation>
    </message>
    <message>
      <source>Automatic (system language)</source>
      <translation>Automatique (langue du système)</translation>
    </message>
    <message>
      <source>Device</source>
      <translation>Périphérique</translation>
    </message>
    <message>
      <source>Free the models' memory after this many minutes without tagging or visual search; they load again when needed</source>
      <translation>Libérer la mémoire des modèles après ce nombre de minutes sans étiquetage ni recherche visuelle ; ils se rechargent au besoin</translation>
    </message>
    <message>
      <source>Language</source>
      <translation>Langue</translation>
    </message>
    <message>
      <source>Language of menus and dialogs (takes effect at the next start)</source>
      <translation>Langue des menus et des dialogues (prend effet au prochain démarrage)</translation>
    </message>
    <message>
      <source>Language of suggested vocabulary tags and of country names in place tags; tags you approved keep their names</source>
      <translation>Langue des tags de vocabulaire suggérés et des noms de pays des tags de lieu ; les tags approuvés gardent leur nom</translation>
    </message>
    <message>
      <source>Loads the model libraries (not the models) once the window is idle, so Tag all shows its first suggestions seconds sooner; uses about 300 MB of memory</source>
      <translation>Charge les bibliothèques des modèles (pas les modèles) dès que la fenêtre est au repos, pour que « Étiqueter toutes les photos » montre ses premières suggestions quelques secondes plus tôt ; utilise environ 300 Mo de mémoire</translation>
    </message>
    <message>
      <source>Model status, local folders, download</source>
      <translation>État des modèles, dossiers locaux, téléchargement</translation>
    </message>
    <message>
      <source>Models</source>
      <translation>Modèles</translation>
    </message>
    <message>
      <source>Models…</source>
      <translation>Modèles…</translation>
    </message>
    <message>
      <source>Mute a tag after rejections</source>
      <translation>Rendre un tag muet après refus</translation>
    </message>
    <message>
      <source>Never</source>
      <translation>Jamais</translation>
    </message>
    <message>
      <source>Prepare for tagging in the background when photos wait to be tagged</source>
      <translation>Préparer l’étiquetage en arrière-plan quand des photos attendent d’être étiquetées</translation>
    </message>
    <message>
      <source>Settings</source>
      <translation>Paramètres</translation>
    </message>
    <message>
      <source>Size of the grid's thumbnails (Ctrl++ / Ctrl+- change it too)</source>
      <translation>Taille des vignettes de la grille (Ctrl++ / Ctrl+- la changent aussi)</translation>
    </message>
    <message>
      <source>Start-up</source>
      <translation>Démarrage</translation>
    </message>
    <message>
      <source>Suggestions per photo</source>
      <translation>Suggestions par photo</translation>
    </message>
    <message>
      <source>Tag language</source>
      <translation>Langue des tags</translation>
    </message>
    <message>
      <source>Threshold</source>
      <translation>Seuil</translation>
    </message>
    <message>
      <source>Thumbnail size</source>
      <translation>Taille des vignettes</translation>
    </message>
    <message>
      <source>Unload the models after</source>
      <translation>Décharger les modèles après</translation>
    </message>
    <message>
      <source>Vocabulary</source>
      <translation>Vocabulaire</translation>
    </message>
    <message>
      <source>Where the models run; auto picks a GPU when one is usable</source>
      <translation>Où les modèles s’exécutent ; auto choisit un GPU s’il est utilisable</translation>
    </message>
    <message>
      <source>Whether approved tags are also written into the photos (XMP/IPTC/EXIF)</source>
      <translation>Si les tags approuvés sont aussi écrits dans les photos (XMP/IPTC/EXIF)</translation>
    </message>
    <message>
      <source>Write tags to files</source>
      <translation>Écrire les tags dans les fichiers</translation>
    </message>
  </context>
  <context>
    <name>Sidebar</name>
    <message>
      <source>(0 · {rejected} rejected)</source>
      <translation>(0 · {rejected} refusés)</translation>
    </message>
    <message>
      <source>({approved} · {suggested} suggested)</source>
      <translation>({approved} · {suggested} suggérés)</translation>
    </message>
    <message>
      <source>({rejected} rejected)</source>
      <translation>({rejected} refusés)</translation>
    </message>
    <message>
      <source>{tag}: photos with this tag. Double-click, or right-click &gt; Review suggestions, to go through its suggestions.</source>
      <translation>{tag} : photos avec ce tag. Double-clic, ou clic droit &gt; Examiner les suggestions, pour parcourir ses suggestions.</translation>
    </message>
  </context>
  <context>
    <name>SidebarController</name>
    <message>
      <source>Delete from every photo…</source>
      <translation>Supprimer de toutes les photos…</translation>
    </message>
    <message>
      <source>Filter suggested tags</source>
      <translation>Filtrer les tags suggérés</translation>
    </message>
    <message>
      <source>Merge into…</source>
      <translation>Fusionner dans…</translation>
    </message>
    <message>
      <source>Move under…</source>
      <translation>Déplacer sous…</translation>
    </message>
    <message>
      <source>Rename everywhere…</source>
      <translation>Renommer partout…</translation>
    </message>
    <message>
      <source>Review suggestions</source>
      <translation>Examiner les suggestions</translation>
    </message>
    <message>
      <source>Show photos</source>
      <translation>Afficher les photos</translation>
    </message>
    <message>
      <source>Tag manager…</source>
      <translation>Gestion des étiquettes…</translation>
    </message>
  </context>
  <context>
    <name>SidebarModel</name>
    <message>
      <source>All photos  ({total})</source>
      <translation>Toutes les photos  ({total})</translation>
    </message>
    <message>
      <source>Every photo in the library</source>
      <translation>Toutes les photos de la photothèque</translation>
    </message>
    <message>
      <source>Library</source>
      <translation>Photothèque</translation>
    </message>
    <message>
      <source>No smart albums yet</source>
      <translation>Pas encore d’album intelligent</translation>
    </message>
    <message>
      <source>No tags yet</source>
      <translation>Pas encore de tags</translation>
    </message>
    <message>
      <source>Smart albums</source>
      <translation>Albums intelligents</translation>
    </message>
    <message>
      <source>Smart albums are saved tag queries, e.g. dog AND (beach OR park)</source>
      <translation>Les albums intelligents sont des requêtes de tags enregistrées, p. ex. chien AND (plage OR parc)</translation>
    </message>
    <message>
      <source>Suggestions only</source>
      <translation>Suggestions seulement</translation>
    </message>
    <message>
      <source>Suggestions only  ({n})</source>
      <translation>Suggestions seulement  ({n})</translation>
    </message>
    <message>
      <source>Tags</source>
      <translation>Tags</translation>
    </message>
    <message>
      <source>Tags that are only suggested so far (no photo has them approved)</source>
      <translation>Tags seulement suggérés jusqu'ici (approuvés sur aucune photo)</translation>
    </message>
    <message>
      <source>{name}  ({n} suggested)</source>
      <translation>{name}  ({n} suggérés)</translation>
    </message>
  </context>
  <context>
    <name>StatusPanel</name>
    <message>
      <source>Problems met while scanning, tagging or writing: click for the list (Ctrl+L)</source>
      <translation>Problèmes rencontrés lors de l'analyse, de l'étiquetage ou de l'écriture : cliquez pour la liste (Ctrl+L)</translation>
    </message>
    <message>
      <source>Stop</source>
      <translation>Arrêter</translation>
    </message>
    <message>
      <source>Stop the running job after the batch in flight (Ctrl+.)</source>
      <translation>Arrêter la tâche en cours après le lot en cours (Ctrl+.)</translation>
    </message>
    <message>
      <source>⚠ Problems: {count}</source>
      <translation>⚠ Problèmes : {count}</translation>
    </message>
  </context>
  <context>
    <name>SuggestionsController</name>
    <message>
      <source>; the photo shown keeps its suggestions until you move on</source>
      <translation>; la photo affichée garde ses suggestions jusqu’à ce que vous passiez à une autre</translation>
    </message>
    <message>
      <source>Forget every approval and rejection learned so far, and the muted tags?
Your tags stay as they are; only the suggestions' ranking starts over.</source>
      <translation>Oublier tout ce qui a été appris de vos approbations et refus, ainsi que les tags muets ?
Vos tags restent tels quels ; seul le classement des suggestions repart de zéro.</translation>
    </message>
    <message>
      <source>Learned from your decisions: the photo shown is re-ranked when you move on</source>
      <translation>Appris de vos décisions : la photo affichée sera reclassée quand vous passerez à une autre</translation>
    </message>
    <message>
      <source>Reset learning</source>
      <translation>Réinitialiser l'apprentissage</translation>
    </message>
    <message>
      <source>Suggestions could not be ranked again: {error}</source>
      <translation>Les suggestions n'ont pas pu être reclassées : {error}</translation>
    </message>
    <message>
      <source>Suggestions of the photo shown brought up to date as well: a re-ranking had kept them as they were while you looked at it</source>
      <translation>Suggestions de la photo affichée mises à jour elles aussi : un reclassement les avait laissées telles quelles pendant que vous la regardiez</translation>
    </message>
    <message>
      <source>Suggestions of the photo you left were brought up to date (kept as they were while you looked at it)</source>
      <translation>Les suggestions de la photo quittée ont été mises à jour (gardées telles quelles pendant que vous la regardiez)</translation>
    </message>
    <message>
      <source>Suggestions re-ranked after learning from your decisions: 1 photo changed</source>
      <translation>Suggestions reclassées après apprentissage de vos décisions : 1 photo modifiée</translation>
    </message>
    <message>
      <source>Suggestions re-ranked after learning from your decisions: {n} photos changed</source>
      <translation>Suggestions reclassées après apprentissage de vos décisions : {n} photos modifiées</translation>
    </message>
  </context>
  <context>
    <name>TagEdits</name>
    <message>
      <source>1 photo</source>
      <translation>1 photo</translation>
    </message>
    <message>
      <source>Add '{tag}' to {target}</source>
      <translation>Ajouter « {tag} » à {target}</translation>
    </message>
    <message>
      <source>Approve '{tag}' on {target}</source>
      <translation>Approuver « {tag} » sur {target}</translation>
    </message>
    <message>
      <source>Reject '{tag}' on {target}</source>
      <translation>Rejeter « {tag} » sur {target}</translation>
    </message>
    <message>
      <source>Remove '{tag}' from {target}</source>
      <translation>Retirer « {tag} » de {target}</translation>
    </message>
    <message>
      <source>Un-review '{tag}' on {target}</source>
      <translation>Remettre « {tag} » en suggestion sur {target}</translation>
    </message>
    <message>
      <source>{n} photos</source>
      <translation>{n} photos</translation>
    </message>
    <message>
      <source>{n} tag edits</source>
      <translation>{n} modifications d'étiquettes</translation>
    </message>
  </context>
  <context>
    <name>TagManager</name>
    <message>
      <source>Delete '{tag}' and the tags below it from every photo? You can undo this (Ctrl+Z).</source>
      <translation>Supprimer « {tag} » et les étiquettes en dessous de toutes les photos ? Vous pouvez annuler (Ctrl+Z).</translation>
    </message>
    <message>
      <source>Delete tag</source>
      <translation>Supprimer l'étiquette</translation>
    </message>
    <message>
      <source>Merge '{tag}' into which tag? Every photo with '{tag}' gets that tag instead.</source>
      <translation>Fusionner « {tag} » dans quelle étiquette ? Chaque photo avec « {tag} » reçoit celle-ci à la place.</translation>
    </message>
    <message>
      <source>Merge tag</source>
      <translation>Fusionner l'étiquette</translation>
    </message>
    <message>
      <source>Move tag</source>
      <translation>Déplacer l'étiquette</translation>
    </message>
    <message>
      <source>New name for '{tag}' on every photo (use a|b for a hierarchy):</source>
      <translation>Nouveau nom pour « {tag} » sur toutes les photos (a|b pour une hiérarchie) :</translation>
    </message>
    <message>
      <source>Put '{tag}' under which tag? (a new name makes a new parent)</source>
      <translation>Placer « {tag} » sous quelle étiquette ? (un nouveau nom crée un nouveau parent)</translation>
    </message>
    <message>
      <source>Rename tag</source>
      <translation>Renommer l'étiquette</translation>
    </message>
    <message>
      <source>Tags</source>
      <translation>Étiquettes</translation>
    </message>
    <message>
      <source>These smart albums name it and keep their queries, so they will not show photos for it any more: {albums}</source>
      <translation>Ces albums intelligents le nomment et gardent leur requête ; ils n’afficheront plus de photos pour ce tag : {albums}</translation>
    </message>
    <message>
      <source>{edit}; files follow on the next write</source>
      <translation>{edit} ; les fichiers suivront à la prochaine écriture</translation>
    </message>
  </context>
  <context>
    <name>TagManagerDialog</name>
    <message>
      <source>Approved</source>
      <translation>Approuvées</translation>
    </message>
    <message>
      <source>Delete…</source>
      <translation>Supprimer…</translation>
    </message>
    <message>
      <source>Filter tags (ignores case and accents)</source>
      <translation>Filtrer les étiquettes (sans tenir compte de la casse ni des accents)</translation>
    </message>
    <message>
      <source>Fold the tag into another one on every photo</source>
      <translation>Fondre l'étiquette dans une autre sur toutes les photos</translation>
    </message>
    <message>
      <source>Give the tag a new name on every photo</source>
      <translation>Donner un nouveau nom à l'étiquette sur toutes les photos</translation>
    </message>
    <message>
      <source>Loading tags…</source>
      <translation>Chargement des étiquettes…</translation>
    </message>
    <message>
      <source>Merge into…</source>
      <translation>Fusionner dans…</translation>
    </message>
    <message>
      <source>Move to top</source>
      <translation>Déplacer au premier niveau</translation>
    </message>
    <message>
      <source>Move under…</source>
      <translation>Déplacer sous…</translation>
    </message>
    <message>
      <source>Put the tag under a parent tag (a|b hierarchy)</source>
      <translation>Placer l'étiquette sous une étiquette parente (hiérarchie a|b)</translation>
    </message>
    <message>
      <source>Rejected</source>
      <translation>Rejetées</translation>
    </message>
    <message>
      <source>Rename…</source>
      <translation>Renommer…</translation>
    </message>
    <message>
      <source>Suggested</source>
      <translation>Suggérées</translation>
    </message>
    <message>
      <source>Tag</source>
      <translation>Étiquette</translation>
    </message>
    <message>
      <source>Tag manager</source>
      <translation>Gestion des étiquettes</translation>
    </message>
    <message>
      <source>Take the tag off every photo</source>
      <translation>Retirer l'étiquette de toutes les photos</translation>
    </message>
    <message>
      <source>Take the tag out of its parent</source>
      <translation>Sortir l'étiquette de son parent</translation>
    </message>
    <message>
      <source>{n} tags. Edits apply to every photo, can be undone (Ctrl+Z), and reach the files on the next write.</source>
      <translation>{n} étiquettes. Les modifications s'appliquent à toutes les photos, peuvent être annulées (Ctrl+Z) et atteignent les fichiers à la prochaine écriture.</translation>
    </message>
    <message>
      <source>{shown} of {n} tags. Edits apply to every photo, can be undone (Ctrl+Z), and reach the files on the next write.</source>
      <translation>{shown} étiquettes sur {n}. Les modifications s'appliquent à toutes les photos, peuvent être annulées (Ctrl+Z) et atteignent les fichiers à la prochaine écriture.</translation>
    </message>
    <message>
      <source>{tip} (undo with Ctrl+Z)</source>
      <translation>{tip} (annuler avec Ctrl+Z)</translation>
    </message>
  </context>
  <context>
    <name>TagPickerDialog</name>
    <message>
      <source>No tag matches “{text}”. Choose one from the list, or press Esc.</source>
      <translation>Aucun tag ne correspond à « {text} ». Choisissez-en un dans la liste, ou appuyez sur Échap.</translation>
    </message>
  </context>
  <context>
    <name>ThresholdController</name>
    <message>
      <source> · photo {ph}/{ph_total}</source>
      <translation> · photo {ph}/{ph_total}</translation>
    </message>
    <message>
      <source>; on this photo {ph} of {ph_total}</source>
      <translation> ; sur cette photo {ph} sur {ph_total}</translation>
    </message>
    <message>
      <source>{lib:,} of {lib_total:,} suggestions pass the threshold</source>
      <translation>{lib:,} suggestions sur {lib_total:,} atteignent le seuil</translation>
    </message>
    <message>
      <source>{lib:,} shown</source>
      <translation>{lib:,} affichées</translation>
    </message>
    <message>
      <source>{lib:,} suggestions shown</source>
      <translation>{lib:,} suggestions affichées</translation>
    </message>
    <message>
      <source>{lib:,}/{lib_total:,} pass</source>
      <translation>{lib:,}/{lib_total:,} retenues</translation>
    </message>
  </context>
  <context>
    <name>ThresholdWidget</name>
    <message>
      <source>At most this many suggestions per photo, the most confident first</source>
      <translation>Au plus autant de suggestions par photo, les plus sûres d'abord</translation>
    </message>
    <message>
      <source>How many suggestions pass the threshold: across the library, and on the current photo</source>
      <translation>Combien de suggestions passent le seuil : dans la photothèque et sur la photo actuelle</translation>
    </message>
    <message>
      <source>Per photo</source>
      <translation>Par photo</translation>
    </message>
    <message>
      <source>Suggestion threshold: a photo shows the suggestions whose confidence (how likely you are to approve them) is at or above it. Alt+Up / Alt+Down move it.</source>
      <translation>Seuil des suggestions : une photo montre les suggestions dont la confiance (la probabilité que vous les approuviez) l'atteint au moins. Alt+Haut / Alt+Bas le déplacent.</translation>
    </message>
    <message>
      <source>Suggestions per photo</source>
      <translation>Suggestions par photo</translation>
    </message>
    <message>
      <source>Threshold</source>
      <translation>Seuil</translation>
    </message>
  </context>
  <context>
    <name>WritePreviewDialog</name>
    <message>
      <source>Cancel</source>
      <translation>Annuler</translation>
    </message>
    <message>
      <source>Close</source>
      <translation>Fermer</translation>
    </message>
    <message>
      <source>Keep modification times</source>
      <translation>Conserver les dates de modification</translation>
    </message>
    <message>
      <source>Nothing written: {error}</source>
      <translation>Rien n’a été écrit : {error}</translation>
    </message>
    <message>
      <source>Photos: {scope}. Only approved tags are written; files already up to date are left alone.</source>
      <translation>Photos : {scope}. Seules les étiquettes approuvées sont écrites ; les fichiers déjà à jour ne sont pas touchés.</translation>
    </message>
    <message>
      <source>Reading {len_ids:,} files…</source>
      <translation>Lecture de {len_ids:,} fichiers…</translation>
    </message>
    <message>
      <source>The files cannot be read: {reason}</source>
      <translation>Les fichiers ne peuvent pas être lus : {reason}</translation>
    </message>
    <message>
      <source>Undo last write</source>
      <translation>Annuler la dernière écriture</translation>
    </message>
    <message>
      <source>Write</source>
      <translation>Écrire</translation>
    </message>
    <message>
      <source>Write tags to files</source>
      <translation>Écrire les tags dans les fichiers</translation>
    </message>
    <message>
      <source>Write to:</source>
      <translation>Écrire dans :</translation>
    </message>
    <message>
      <source>{n} photo(s)</source>
      <translation>{n} photo(s)</translation>
    </message>
  </context>
  <context>
    <name>app</name>
    <message>
      <source>{folder} is not a folder; choose one with File &gt; Open folder (Ctrl+O)</source>
      <translation>{folder} n’est pas un dossier ; choisissez-en un avec Fichier &gt; Ouvrir un dossier (Ctrl+O)</translation>
    </message>
  </context>
  <context>
    <name>imgtag</name>
    <message>
      <source>&amp;Add tag to selection…</source>
      <translation>&amp;Ajouter un tag à la sélection…</translation>
    </message>
    <message>
      <source>&amp;All photos</source>
      <translation>&amp;Toutes les photos</translation>
    </message>
    <message>
      <source>&amp;Approve tag</source>
      <translation>&amp;Approuver le tag</translation>
    </message>
    <message>
      <source>&amp;Duplicates…</source>
      <translation>&amp;Doublons…</translation>
    </message>
    <message>
      <source>&amp;Edit</source>
      <translation>É&amp;dition</translation>
    </message>
    <message>
      <source>&amp;Edit tag…</source>
      <translation>&amp;Modifier le tag…</translation>
    </message>
    <message>
      <source>&amp;File</source>
      <translation>&amp;Fichier</translation>
    </message>
    <message>
      <source>&amp;Help</source>
      <translation>&amp;Aide</translation>
    </message>
    <message>
      <source>&amp;Keyboard shortcuts</source>
      <translation>&amp;Raccourcis clavier</translation>
    </message>
    <message>
      <source>&amp;Larger thumbnails</source>
      <translation>Vignettes plus &amp;grandes</translation>
    </message>
    <message>
      <source>&amp;Learn from my decisions</source>
      <translation>&amp;Apprendre de mes décisions</translation>
    </message>
    <message>
      <source>&amp;Models…</source>
      <translation>&amp;Modèles…</translation>
    </message>
    <message>
      <source>&amp;Open folder…</source>
      <translation>&amp;Ouvrir un dossier…</translation>
    </message>
    <message>
      <source>&amp;Problems…</source>
      <translation>&amp;Problèmes…</translation>
    </message>
    <message>
      <source>&amp;Quit</source>
      <translation>&amp;Quitter</translation>
    </message>
    <message>
      <source>&amp;Redo</source>
      <translation>&amp;Rétablir</translation>
    </message>
    <message>
      <source>&amp;Reject tag</source>
      <translation>&amp;Rejeter le tag</translation>
    </message>
    <message>
      <source>&amp;Rescan folders</source>
      <translation>&amp;Réanalyser les dossiers</translation>
    </message>
    <message>
      <source>&amp;Review</source>
      <translation>E&amp;xamen</translation>
    </message>
    <message>
      <source>&amp;Search…</source>
      <translation>&amp;Rechercher…</translation>
    </message>
    <message>
      <source>&amp;Settings…</source>
      <translation>&amp;Paramètres…</translation>
    </message>
    <message>
      <source>&amp;Tag all photos</source>
      <translation>&amp;Étiqueter toutes les photos</translation>
    </message>
    <message>
      <source>&amp;Tools</source>
      <translation>&amp;Outils</translation>
    </message>
    <message>
      <source>&amp;Undo</source>
      <translation>&amp;Annuler</translation>
    </message>
    <message>
      <source>&amp;View</source>
      <translation>&amp;Affichage</translation>
    </message>
    <message>
      <source>&amp;Write tags to files…</source>
      <translation>É&amp;crire les tags dans les fichiers…</translation>
    </message>
    <message>
      <source>Add a photo folder to the library and scan it</source>
      <translation>Ajouter un dossier de photos à la photothèque et l’analyser</translation>
    </message>
    <message>
      <source>Approve all &amp;above threshold</source>
      <translation>Tout approuver au-&amp;dessus du seuil</translation>
    </message>
    <message>
      <source>Approve every suggestion with a confidence at or above the threshold</source>
      <translation>Approuver chaque suggestion dont la confiance atteint le seuil</translation>
    </message>
    <message>
      <source>Approve the current tag on the shown photo, or on every selected photo (then go to the next)</source>
      <translation>Approuver l'étiquette courante sur la photo affichée, ou sur chaque photo sélectionnée (puis passer à la suivante)</translation>
    </message>
    <message>
      <source>Captioner</source>
      <translation>Légendes</translation>
    </message>
    <message>
      <source>Close imgtag</source>
      <translation>Fermer imgtag</translation>
    </message>
    <message>
      <source>Find s&amp;imilar photos</source>
      <translation>Trouver des photos s&amp;imilaires</translation>
    </message>
    <message>
      <source>Forget what was learned from your approvals and rejections, and the muted tags</source>
      <translation>Oublier ce qui a été appris de vos approbations et refus, et les tags muets</translation>
    </message>
    <message>
      <source>Go to &amp;photos</source>
      <translation>Aller aux &amp;photos</translation>
    </message>
    <message>
      <source>Go to &amp;sidebar</source>
      <translation>Aller au panneau &amp;latéral</translation>
    </message>
    <message>
      <source>Go to &amp;tags</source>
      <translation>Aller aux &amp;tags</translation>
    </message>
    <message>
      <source>Group near-identical photos (bursts, resized copies, re-encodes) and choose which to keep</source>
      <translation>Regrouper les photos presque identiques (rafales, copies redimensionnées, réencodées) et choisir laquelle garder</translation>
    </message>
    <message>
      <source>Inside the photo files</source>
      <translation>Dans les fichiers photo</translation>
    </message>
    <message>
      <source>Keyword model</source>
      <translation>Modèle de mots-clés</translation>
    </message>
    <message>
      <source>Look for new, changed, moved and deleted photos</source>
      <translation>Chercher les photos nouvelles, modifiées, déplacées et supprimées</translation>
    </message>
    <message>
      <source>Lower the threshold by 0.05</source>
      <translation>Baisser le seuil de 0,05</translation>
    </message>
    <message>
      <source>Lower threshold</source>
      <translation>Baisser le seuil</translation>
    </message>
    <message>
      <source>M&amp;uted tags…</source>
      <translation>Tags m&amp;uets…</translation>
    </message>
    <message>
      <source>Make thumbnails larger</source>
      <translation>Agrandir les vignettes</translation>
    </message>
    <message>
      <source>Make thumbnails smaller</source>
      <translation>Réduire les vignettes</translation>
    </message>
    <message>
      <source>Model status, local folders, download</source>
      <translation>État des modèles, dossiers locaux, téléchargement</translation>
    </message>
    <message>
      <source>Models, device, threshold, thumbnails</source>
      <translation>Modèles, périphérique, seuil, vignettes</translation>
    </message>
    <message>
      <source>Move the keyboard focus to the photo grid</source>
      <translation>Placer le focus clavier sur la grille de photos</translation>
    </message>
    <message>
      <source>Move the keyboard focus to the photo's tags</source>
      <translation>Placer le focus clavier sur les tags de la photo</translation>
    </message>
    <message>
      <source>Move the keyboard focus to the sidebar</source>
      <translation>Placer le focus clavier sur le panneau latéral</translation>
    </message>
    <message>
      <source>Move to the next tag chip</source>
      <translation>Aller au tag suivant</translation>
    </message>
    <message>
      <source>Move to the previous tag chip</source>
      <translation>Aller au tag précédent</translation>
    </message>
    <message>
      <source>Next tag</source>
      <translation>Tag suivant</translation>
    </message>
    <message>
      <source>Off: keep tags in the catalog only</source>
      <translation>Désactivé : garder les tags dans le catalogue seulement</translation>
    </message>
    <message>
      <source>Photos that could not be read or tagged</source>
      <translation>Photos illisibles ou non étiquetées</translation>
    </message>
    <message>
      <source>Photos that look like the current one, most similar first (like:PHOTO)</source>
      <translation>Photos qui ressemblent à la photo actuelle, les plus proches d’abord (like:PHOTO)</translation>
    </message>
    <message>
      <source>Preview and write approved tags into the selected (or all shown) photos' files</source>
      <translation>Prévisualiser et écrire les étiquettes approuvées dans les fichiers des photos sélectionnées (ou de toutes celles affichées)</translation>
    </message>
    <message>
      <source>Previous tag</source>
      <translation>Tag précédent</translation>
    </message>
    <message>
      <source>Raise the suggestion threshold by 0.05</source>
      <translation>Relever le seuil de suggestion de 0,05</translation>
    </message>
    <message>
      <source>Raise threshold</source>
      <translation>Relever le seuil</translation>
    </message>
    <message>
      <source>Rank suggestions by what you approve and reject (switch off to rank by the models alone)</source>
      <translation>Classer les suggestions selon ce que vous approuvez et refusez (désactivé : selon les modèles seuls)</translation>
    </message>
    <message>
      <source>Re&amp;move tag</source>
      <translation>Re&amp;tirer le tag</translation>
    </message>
    <message>
      <source>Redo the last undone tag edit</source>
      <translation>Rétablir la dernière modification de tag annulée</translation>
    </message>
    <message>
      <source>Reject the current tag on the shown photo or the selection: it is never suggested again there</source>
      <translation>Rejeter l'étiquette courante sur la photo affichée ou la sélection : elle n'y sera plus jamais proposée</translation>
    </message>
    <message>
      <source>Remo&amp;ve tag from selection…</source>
      <translation>Reti&amp;rer un tag de la sélection…</translation>
    </message>
    <message>
      <source>Rename the current tag on the shown photo or the selection (Tag manager: everywhere)</source>
      <translation>Renommer l'étiquette courante sur la photo affichée ou la sélection (Gestion des étiquettes : partout)</translation>
    </message>
    <message>
      <source>Rename, merge, move or delete tags across the whole library</source>
      <translation>Renommer, fusionner, déplacer ou supprimer des étiquettes dans toute la bibliothèque</translation>
    </message>
    <message>
      <source>Reset lear&amp;ning…</source>
      <translation>Réinitialiser l'appre&amp;ntissage…</translation>
    </message>
    <message>
      <source>Review &amp;by tag…</source>
      <translation>Examiner &amp;par tag…</translation>
    </message>
    <message>
      <source>S&amp;maller thumbnails</source>
      <translation>Vignettes plus &amp;petites</translation>
    </message>
    <message>
      <source>S&amp;top</source>
      <translation>Arrê&amp;ter</translation>
    </message>
    <message>
      <source>Scores how well each candidate matches the photo (CLIP)</source>
      <translation>Évalue à quel point chaque candidat correspond à la photo (CLIP)</translation>
    </message>
    <message>
      <source>Search with a query: dog AND (beach OR park) -night, ~"sunset" (visual, after tagging)</source>
      <translation>Rechercher avec une requête : chien AND (plage OR parc) -nuit, ~"coucher de soleil" (visuelle, après étiquetage)</translation>
    </message>
    <message>
      <source>See every photo where a tag is suggested, best score first</source>
      <translation>Voir chaque photo où un tag est suggéré, meilleur score d’abord</translation>
    </message>
    <message>
      <source>Show every keyboard shortcut</source>
      <translation>Afficher tous les raccourcis clavier</translation>
    </message>
    <message>
      <source>Show every photo in the library</source>
      <translation>Afficher toutes les photos de la photothèque</translation>
    </message>
    <message>
      <source>Stop the running job after the batch in flight</source>
      <translation>Arrêter la tâche en cours après le lot en cours</translation>
    </message>
    <message>
      <source>Suggest tags for every photo not yet analysed with the current models</source>
      <translation>Suggérer des tags pour chaque photo pas encore analysée avec les modèles actuels</translation>
    </message>
    <message>
      <source>Suggest tags for the shown photo, or for every selected photo</source>
      <translation>Proposer des étiquettes pour la photo affichée, ou pour chaque photo sélectionnée</translation>
    </message>
    <message>
      <source>Tag &amp;manager…</source>
      <translation>&amp;Gestion des étiquettes…</translation>
    </message>
    <message>
      <source>Tag &amp;selection</source>
      <translation>Étiqueter la &amp;sélection</translation>
    </message>
    <message>
      <source>Tags no longer suggested because you rejected them often; unmute them here</source>
      <translation>Tags qui ne sont plus suggérés parce que vous les avez souvent refusés ; réactivez-les ici</translation>
    </message>
    <message>
      <source>Take a tag off the shown photo, or off every selected photo</source>
      <translation>Retirer une étiquette de la photo affichée, ou de chaque photo sélectionnée</translation>
    </message>
    <message>
      <source>Take the current tag off the shown photo, or off every selected photo</source>
      <translation>Retirer l'étiquette courante de la photo affichée, ou de chaque photo sélectionnée</translation>
    </message>
    <message>
      <source>Turns captions into candidate tags (a sentence-transformers model)</source>
      <translation>Transforme les légendes en tags candidats (un modèle sentence-transformers)</translation>
    </message>
    <message>
      <source>Type a tag to add (approved) to the shown photo, or to every selected photo</source>
      <translation>Saisir une étiquette à ajouter (approuvée) à la photo affichée, ou à chaque photo sélectionnée</translation>
    </message>
    <message>
      <source>Undo the last tag edit</source>
      <translation>Annuler la dernière modification de tag</translation>
    </message>
    <message>
      <source>Visual model</source>
      <translation>Modèle visuel</translation>
    </message>
    <message>
      <source>Writes a caption for each photo (BLIP)</source>
      <translation>Écrit une légende pour chaque photo (BLIP)</translation>
    </message>
    <message>
      <source>XMP sidecar files</source>
      <translation>Fichiers XMP annexes</translation>
    </message>
  </context>
</TS>
