import subprocess
import sys

from wordfreq import iter_wordlist, zipf_frequency

from newsdesk.frequencies import zipf


def test_zipf_of_plain_words_and_compounds() -> None:
    assert zipf("the") == 7.73
    assert zipf("bridge") == 4.77
    assert zipf("zzzqqq") == 0.0
    assert zipf("iran's") == zipf("iran\u2019s") == 3.47
    assert zipf("u.s.-led") == 4.9
    assert zipf("iran-backed") == 4.1
    assert zipf("bridge-zzzqqq") == 0.0


def test_zipf_agrees_with_wordfreq() -> None:
    # Every 20th entry of the English wordlist (digits, apostrophes, other scripts...) and
    # compounds of the shapes the fast path reads itself, or hands to wordfreq.
    words = list(iter_wordlist("en"))[::20]
    words += [
        "l'homme",
        "d\u2019arc",
        "xy'esau",
        "a.b.",
        "u.s..",
        "e.g.-x",
        "abc.-.def",
        "don't",
        "rock-'n'-roll",
        "stra\u00dfe",
        "caf\u00e9",
        "caf\u00e9-bar",
        "\u0645\u0631\u062d\u0628\u0627",
        "covid-19",
        "",
    ]
    assert [zipf(w) for w in words] == [zipf_frequency(w, "en") for w in words]
    assert zipf("bonjour", "fr") == zipf_frequency("bonjour", "fr")


def test_brief_modules_import_no_wordfreq_sparse_or_jinja() -> None:
    code = (
        "import sys, newsdesk.entities, newsdesk.stories, newsdesk.renderers; "
        "print(sorted(m for m in ('wordfreq', 'scipy.sparse', 'jinja2') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout == "[]\n"
