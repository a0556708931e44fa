"""Reading instructions: phrase splitting and timing words (``phrases``), the ``Reader`` protocol, the registry of
readers (``registry``: the learned IFED model, the lexicon baseline). A reader turns text into plan ``Step``s;
nothing after this package sees the instruction's words."""
