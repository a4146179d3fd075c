"""The console's text input: typing repaints the field, not the whole screen."""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input


class FieldInput(Input):
    """Input sets its virtual size on every key (the text's width), and a virtual size
    change asks for a layout of the whole screen: in a form of thirty fields that was most
    of a key press. A field's box does not depend on its text (its width comes from the CSS;
    Input still asks for a layout itself when its size is `auto`), so the change only
    repaints it."""

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
