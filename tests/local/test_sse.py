"""POST /waves/v1/tts/live: the §3.2 framing, parsed from the raw stream."""

from __future__ import annotations

import io
import json

import soundfile

from studio.audio import codecs
from studio.local.engines.tone import ToneEngine
from studio.local.server import LocalServer
from studio.local.synthesis import STREAM_CHUNK_BYTES, speech_units
from tests.local.helpers import decode, parse_sse, sse, sse_audio, tts

TEXT = "The first sentence is here. A second one follows! And a third?"


def test_frames_are_exactly_the_documented_ones(waves_local: LocalServer) -> None:
    """`event: audio` chunks with done false / status 206, then the bare done frame."""
    reply = sse(waves_local, text=TEXT, sample_rate=16000)
    assert reply.status_code == 200
    assert reply.headers["Content-Type"] == "text/event-stream"
    assert reply.headers["X-External-Request-Id"] == ""
    assert reply.content.endswith(b'\n\ndata: {"status": "200", "done": true}\n\n')
    events = parse_sse(reply.content)
    *chunks, end = events
    assert len(chunks) > 3
    for event, data in chunks:
        frame = json.loads(data)
        assert event == "audio"
        assert set(frame) == {"audio", "done", "status"}
        assert (frame["done"], frame["status"]) == (False, "206")
    assert end == ("", '{"status": "200", "done": true}')


def test_pcm_chunks_join_into_the_same_audio_as_the_sync_route(waves_local: LocalServer) -> None:
    """The streamed PCM pieces are one stream, identical to the /waves/v1/tts body."""
    pieces = sse_audio(parse_sse(sse(waves_local, text=TEXT, sample_rate=24000).content))
    assert all(len(piece) <= STREAM_CHUNK_BYTES for piece in pieces)
    assert b"".join(pieces) == tts(waves_local, text=TEXT, sample_rate=24000).content


def test_wav_chunks_are_complete_files_one_per_sentence(waves_local: LocalServer) -> None:
    """With wav, each chunk is a whole WAV file holding exactly one sentence (§10 framing)."""
    pieces = sse_audio(parse_sse(sse(waves_local, text=TEXT, output_format="wav").content))
    sentences = ["The first sentence is here.", "A second one follows!", "And a third?"]
    assert len(pieces) == len(sentences)
    for piece, sentence in zip(pieces, sentences, strict=True):
        alone = tts(waves_local, text=sentence, output_format="wav").content
        assert piece == alone


def test_mp3_chunks_decode_on_their_own(waves_local: LocalServer) -> None:
    """With mp3, every chunk is an independently decodable MP3 stream at the asked rate."""
    pieces = sse_audio(
        parse_sse(sse(waves_local, text=TEXT, output_format="mp3", sample_rate=24000).content)
    )
    assert len(pieces) == 3
    for piece in pieces:
        samples, rate = soundfile.read(io.BytesIO(piece))
        assert rate == 24000
        assert len(samples) > 0.3 * rate


def test_ulaw_stream_decodes_like_the_sync_reply(waves_local: LocalServer) -> None:
    """G.711 streams at 8 kHz join into the sync route's bytes."""
    streamed = b"".join(
        sse_audio(
            parse_sse(sse(waves_local, text=TEXT, output_format="ulaw", sample_rate=8000).content)
        )
    )
    whole = tts(waves_local, text=TEXT, output_format="ulaw", sample_rate=8000).content
    assert streamed == whole
    assert len(decode(streamed, "ulaw", 8000)) == len(whole)


def test_sse_needs_the_key(waves_local: LocalServer) -> None:
    """No key: 401 JSON before any stream starts."""
    reply = sse(waves_local, headers={}, text=TEXT)
    assert reply.status_code == 401
    assert reply.json()["error"] == "Unauthorized"


def test_a_long_sentence_streams_clause_by_clause() -> None:
    """Sentences over 80 characters are rendered per clause, so the first audio comes sooner."""
    long = (
        "The morning train was late again, so Maya strolled down to the harbour, "
        "bought warm bread, and watched the fishing boats slide into the fog."
    )
    assert speech_units(f"Short one. {long}") == [
        "Short one.",
        "The morning train was late again,",
        "so Maya strolled down to the harbour,",
        "bought warm bread,",
        "and watched the fishing boats slide into the fog.",
    ]
    run_on = (
        "Yes, no, maybe, so, well, then we all went home again after a very long day out today."
    )
    assert speech_units(run_on) == [  # a clause under 15 characters joins the next one
        "Yes, no, maybe,",
        "so, well, then we all went home again after a very long day out today.",
    ]


def test_clause_units_sound_like_the_whole_sentence(waves_local: LocalServer) -> None:
    """Streaming a long sentence per clause gives the audio of rendering it in one go."""
    long = "One, two, three, four, five, six, seven, eight, nine, ten, eleven, twelve and more."
    whole, _rate = ToneEngine().synthesize(long, "tone-alto", 1.0, 44100)
    streamed = b"".join(sse_audio(parse_sse(sse(waves_local, text=long).content)))
    assert len(speech_units(long)) > 1
    assert streamed == codecs.float_to_pcm16(whole)
