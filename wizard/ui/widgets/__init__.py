"""Widgets that render engine state; they hold no answers of their own."""
