"""The models dialog for a window user: folders checked against their role before a ✔, window
words instead of command lines, and a download job that refuses clearly when offline."""

from __future__ import annotations

import pytest

from imgtag_desktop.core.settings import Settings

tagging = pytest.importorskip("imgtag_desktop.tagging")


def test_a_folder_is_checked_against_its_role(qtbot, tiny_models):
    from imgtag_desktop.tagging.models import role_mismatch
    from imgtag_desktop.ui.dialogs import ModelsDialog, models_missing

    assert role_mismatch("captioner", tiny_models["captioner"]) is None
    assert role_mismatch("visual", tiny_models["visual"]) is None
    assert role_mismatch("keywords", tiny_models["keywords"]) is None
    assert "not a BLIP model" in (role_mismatch("captioner", tiny_models["visual"]) or "")
    assert "not a CLIP model" in (role_mismatch("visual", tiny_models["captioner"]) or "")
    assert "not a sentence-transformers model" in (role_mismatch("keywords", tiny_models["visual"]) or "")

    wrong = Settings(captioner=str(tiny_models["visual"]), visual_model=str(tiny_models["visual"]),
                     keyword_model=str(tiny_models["keywords"]))
    dialog = ModelsDialog(wrong)
    qtbot.addWidget(dialog)
    lines = dialog.status.text().splitlines()
    assert lines[0].startswith("✘ captioner") and "clip model" in lines[0] and "CLIPModel" in lines[0]
    assert lines[1].startswith("✔") and lines[2].startswith("✔")
    text = dialog.status.text()
    assert "imgtag models" not in text and "settings dialog" not in text  # words for the window
    assert "Download models" in text and "Choose folder…" in text
    assert "captioner" in models_missing(wrong) and "imgtag models" not in models_missing(wrong)
    assert dialog.download.text() == "Download models"


def test_the_dialog_gives_model_sizes_as_the_command_line_does(tiny_models):
    from imgtag_desktop.tagging import human_size, models_status
    from imgtag_desktop.ui.dialogs import models_status_text

    settings = Settings(captioner=str(tiny_models["captioner"]), visual_model=str(tiny_models["visual"]),
                        keyword_model=str(tiny_models["keywords"]))
    rows = [r for r in models_status(settings) if r.usable]
    small = [r for r in rows if 0 < r.size_bytes < 1e6]
    assert small  # a tiny model under a megabyte: once shown as "0 MB"
    text = models_status_text(settings)
    for r in rows:
        assert f", {human_size(r.size_bytes)})" in text
    assert all(human_size(r.size_bytes).endswith(" kB") for r in small)
    assert " 0 MB" not in text
    assert human_size(266_000) == "266.0 kB" and human_size(1_500_000_000) == "1.5 GB" and human_size(0) == "-"


def test_download_refuses_clearly_when_offline(qtbot, monkeypatch):
    from imgtag_desktop.jobs import start_job
    from imgtag_desktop.jobs.download_job import DownloadJob, offline_text

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    job = DownloadJob(Settings())
    with qtbot.waitSignal(job.finished, timeout=10000) as blocker:
        handle = start_job(job)
    handle.thread.wait(5000)
    assert "switched off" in blocker.args[0].error and "Choose folder" in blocker.args[0].error

    class ConnectionError_(OSError):
        pass

    ConnectionError_.__name__ = "ConnectionError"
    assert "offline" in offline_text(ConnectionError_("no route"))
    assert offline_text(ValueError("bad id")) == "the download stopped: bad id"


def test_long_errors_get_a_readable_first_sentence():
    from imgtag_desktop.ui.dialogs import first_sentence, window_text

    raw = ("The captioner (BLIP) folder /m holds a clip model (CLIPModel), not a BLIP model. Run 'imgtag models "
           "download' to fetch it, or point imgtag at a folder that holds it.")
    assert window_text(raw) == "The captioner (BLIP) folder /m holds a clip model (CLIPModel), not a BLIP model."
    assert first_sentence("Error one. Error two.\nTraceback...") == "Error one."
    assert len(first_sentence("x" * 1000)) == 220


def test_a_tagging_failure_is_readable_in_the_banner_and_whole_in_problems(qtbot, library):
    from imgtag_desktop.jobs import JobStats
    from imgtag_desktop.ui.app import create_window

    window = create_window(None, library, prompt=False)
    qtbot.addWidget(window)
    raw = ("Error(s) in loading state_dict for BlipForConditionalGeneration: size mismatch for "
           "text_decoder.bert.embeddings.word_embeddings.weight. Run 'imgtag models download' to fetch it.\n"
           "Traceback (most recent call last): ...")
    window.jobs.job_finished.emit(JobStats("tagging", error=raw))
    banner = window.banner.label.text()
    assert banner.startswith("Tagging stopped: Error(s) in loading state_dict") and "Problems (Ctrl+L)" in banner
    assert "imgtag models download" not in banner and "Traceback" not in banner
    assert any(f.reason == raw for f in window.jobs.failures)  # the full text, to copy
    window.close()
